import {
  PatchGroupBody,
  PatchGroupUsersBody,
  PrincipalsBody,
  UsersByEmailBody,
  type PatchGroupBodyT,
  type PatchGroupUsersBodyT,
} from './bodies.js';
import type { Operation, Scope, ValidatedInput } from './operation.js';
import {
  GroupParams,
  GroupRelationshipParams,
  GroupUserParams,
  PageQuery,
  ThreatProfileRelationshipParams,
} from './params.js';
import {
  CheckResponse,
  DescriptorListResponse,
  EmptyResponse,
  GroupObjectResponse,
  ObjectListResponse,
} from './responses.js';

const GROUP_ADMIN_ROLE = 'USER_ROLE_GROUP_ADMIN';

const readOnly = { readOnly: true, destructive: false, idempotent: true };
const additive = { readOnly: false, destructive: false, idempotent: true };
const destructive = { readOnly: false, destructive: true, idempotent: true };

function patchGroupIdMatchesPath(input: ValidatedInput): string | undefined {
  const body = input.body as PatchGroupBodyT;
  if (body.data.id !== undefined && body.data.id !== input.params.id) {
    return `data.id "${body.data.id}" must equal the group ID in the path ("${input.params.id}")`;
  }
  return undefined;
}

function roleEntriesAreConsistent(input: ValidatedInput): string | undefined {
  const body = input.body as PatchGroupUsersBodyT;
  for (const [i, entry] of body.data.entries()) {
    const change = entry.context_attributes;
    if (change.roles !== undefined && (change.add_roles !== undefined || change.remove_roles !== undefined)) {
      return `data[${i}].context_attributes: "roles" replaces all roles and cannot be combined with "add_roles" or "remove_roles"`;
    }
    const removed = new Set(change.remove_roles ?? []);
    const both = (change.add_roles ?? []).find((role) => removed.has(role));
    if (both !== undefined) {
      return `data[${i}].context_attributes: role "${both}" is both added and removed`;
    }
  }
  return undefined;
}

/** A `roles` replacement can silently drop the admin role, so it needs the admin scope just like naming it. */
function roleEntriesNeedingAdminScope(input: ValidatedInput): Scope[] {
  const body = input.body as PatchGroupUsersBodyT;
  const touchesAdmin = body.data.some(({ context_attributes: c }) =>
    c.roles !== undefined || [...(c.add_roles ?? []), ...(c.remove_roles ?? [])].includes(GROUP_ADMIN_ROLE),
  );
  return touchesAdmin ? ['groups:admins'] : [];
}

export const operations: readonly Operation[] = [
  {
    name: 'groups',
    method: 'GET',
    path: '/v1/groups/{id}',
    tag: 'Groups',
    summary: 'Get a group object',
    description:
      'Returns the VirusTotal group object: organisation, country, quotas, privileges and preferences. `auto_add_users` is visible to group admins only.',
    params: GroupParams,
    response: GroupObjectResponse,
    scope: 'groups:read',
    tool: { name: 'get-group-object', hints: readOnly },
  },
  {
    name: 'patchGroup',
    method: 'PATCH',
    path: '/v1/groups/{id}',
    tag: 'Groups',
    summary: 'Update a group object',
    description:
      'Changes the given group attributes (e.g. `auto_add_users`); attributes not present stay unchanged. Returns the updated group object. Group admins only.',
    params: GroupParams,
    body: PatchGroupBody,
    response: GroupObjectResponse,
    scope: 'groups:write',
    check: patchGroupIdMatchesPath,
    tool: { name: 'update-group-object', hints: destructive },
  },
  {
    name: 'getGroupAdministrators',
    method: 'GET',
    path: '/v1/groups/{id}/relationships/administrators',
    tag: 'Group administrators',
    summary: 'Get administrators for a group',
    description: 'Lists the group administrators as user descriptors, one page at a time (`limit`, `cursor`).',
    params: GroupParams,
    query: PageQuery,
    response: DescriptorListResponse,
    scope: 'groups:read',
    tool: { name: 'get-administrators-group', hints: readOnly },
  },
  {
    name: 'postGroupAdministrators',
    method: 'POST',
    path: '/v1/groups/{id}/relationships/administrators',
    tag: 'Group administrators',
    summary: 'Grant group admin permissions to a list of users',
    description:
      'Makes the listed group members administrators. Users are given by **email address** (a username is refused). VirusTotal answers 200 with an empty body.',
    params: GroupParams,
    body: UsersByEmailBody,
    response: EmptyResponse,
    scope: 'groups:admins',
    tool: { name: 'grant-group-admin-permissions-list', hints: additive },
  },
  {
    name: 'deleteUserGroupAdministrator',
    method: 'DELETE',
    path: '/v1/groups/{id}/relationships/administrators/{user_id}',
    tag: 'Group administrators',
    summary: 'Revoke group admin permissions from a user',
    description: 'Revokes the administrator role of the user (by username). The user stays a group member.',
    params: GroupUserParams,
    response: EmptyResponse,
    scope: 'groups:admins',
    tool: { name: 'revoke-group-admin-permissions-user', hints: destructive },
  },
  {
    name: 'checkUserGroupAdministrator',
    method: 'GET',
    path: '/v1/groups/{id}/relationships/administrators/{user_id}',
    tag: 'Group administrators',
    summary: 'Check if a user is a group admin',
    description: 'Answers `{"data": true}` when the user (by username) administers the group, else `{"data": false}`.',
    params: GroupUserParams,
    response: CheckResponse,
    scope: 'groups:read',
    tool: { name: 'check-if-user-is-group', hints: readOnly },
  },
  {
    name: 'getGroupUsers',
    method: 'GET',
    path: '/v1/groups/{id}/relationships/users',
    tag: 'Group users',
    summary: 'Get group users',
    description: 'Lists the group members as user descriptors, one page at a time (`limit`, `cursor`).',
    params: GroupParams,
    query: PageQuery,
    response: DescriptorListResponse,
    scope: 'groups:read',
    tool: { name: 'get-group-users', hints: readOnly },
  },
  {
    name: 'updateGroupUsers',
    method: 'POST',
    path: '/v1/groups/{id}/relationships/users',
    tag: 'Group users',
    summary: 'Add users to a group',
    description:
      'Adds the listed users to the group. Users are given by **email address** (a username is refused); a user belongs to one group at most. VirusTotal answers 200 with an empty body.',
    params: GroupParams,
    body: UsersByEmailBody,
    response: EmptyResponse,
    scope: 'groups:write',
    tool: { name: 'add-users-group', hints: additive },
  },
  {
    name: 'patchGroupUsers',
    method: 'PATCH',
    path: '/v1/groups/{id}/relationships/users',
    tag: 'Group users',
    summary: "Manage users' roles and daily API allowance",
    description:
      'Per user (by username): `roles` replaces all roles, `add_roles` appends or updates, `remove_roles` revokes the listed ones (`USER_ROLE_GROUP_ADMIN`, `USER_ROLE_PRIVATE_SCANNING`); `quota_limits.api_requests_daily.allowed` sets the daily API cap. Entries naming `USER_ROLE_GROUP_ADMIN`, and every `roles` replacement, need the `groups:admins` scope.',
    params: GroupParams,
    body: PatchGroupUsersBody,
    response: EmptyResponse,
    scope: 'groups:write',
    extraScopes: roleEntriesNeedingAdminScope,
    check: roleEntriesAreConsistent,
    tool: { name: 'manage-group-users-roles-allowance', hints: destructive },
  },
  {
    name: 'deleteUserFromGroup',
    method: 'DELETE',
    path: '/v1/groups/{id}/relationships/users/{user_id}',
    tag: 'Group users',
    summary: 'Remove a user from a group',
    description: 'Removes the user (by username) from the group, with their roles.',
    params: GroupUserParams,
    response: EmptyResponse,
    scope: 'groups:write',
    tool: { name: 'remove-user-group', hints: destructive },
  },
  {
    name: 'checkUserInGroup',
    method: 'GET',
    path: '/v1/groups/{id}/relationships/users/{user_id}',
    tag: 'Group users',
    summary: 'Check if a user is a group member',
    description: 'Answers `{"data": true}` when the user (by username) is a member of the group, else `{"data": false}`.',
    params: GroupUserParams,
    response: CheckResponse,
    scope: 'groups:read',
    tool: { name: 'check-if-user-is-group-2', hints: readOnly },
  },
  {
    name: 'groupsRelationshipsIds',
    method: 'GET',
    path: '/v1/groups/{id}/relationships/{relationship}',
    tag: 'Groups',
    summary: 'Get object descriptors related to a group',
    description:
      'Lists descriptors (`type`, `id`, sometimes `context_attributes`) of the objects in a group relationship: `administrators`, `users`, `graphs`, `service_accounts`.',
    params: GroupRelationshipParams,
    query: PageQuery,
    response: DescriptorListResponse,
    scope: 'groups:read',
    tool: { name: 'get-object-descriptors-related-group', hints: readOnly },
  },
  {
    name: 'groupsRelationships',
    method: 'GET',
    path: '/v1/groups/{id}/{relationship}',
    tag: 'Groups',
    summary: 'Get objects related to a group',
    description:
      'Lists the full objects in a group relationship (`administrators`, `users`, `graphs`, `service_accounts`); user attributes are filtered by what the key may see.',
    params: GroupRelationshipParams,
    query: PageQuery,
    response: ObjectListResponse,
    scope: 'groups:read',
    tool: { name: 'get-objects-related-group', hints: readOnly },
  },
  {
    name: 'getThreatProfileRelationshipsIds',
    method: 'GET',
    path: '/v1/threat_profiles/{id}/relationships/{relationship}',
    tag: 'Threat profiles',
    summary: 'Get object descriptors related to a threat profile',
    description:
      'Lists descriptors of the users and groups holding an access level (`editors`, `viewers`) on the threat profile. Public preview in VirusTotal.',
    params: ThreatProfileRelationshipParams,
    query: PageQuery,
    response: DescriptorListResponse,
    scope: 'threat_profiles:read',
    tool: { name: 'get-object-descriptors-related-threat-profile', hints: readOnly },
  },
  {
    name: 'addThreatProfileRelationships',
    method: 'POST',
    path: '/v1/threat_profiles/{id}/relationships/{relationship}',
    tag: 'Threat profiles',
    summary: 'Add or update threat-profile access',
    description:
      'Gives the listed users and groups (descriptors of type `user` or `group`) the access level named by the relationship (`editors`, `viewers`); an existing level is updated. Owner or editor only.',
    params: ThreatProfileRelationshipParams,
    body: PrincipalsBody,
    response: EmptyResponse,
    scope: 'threat_profiles:write',
    tool: { name: 'add-threat-profile-relationships', hints: destructive },
  },
  {
    name: 'deleteThreatProfileRelationships',
    method: 'DELETE',
    path: '/v1/threat_profiles/{id}/relationships/{relationship}',
    tag: 'Threat profiles',
    summary: 'Remove threat-profile access',
    description:
      'Removes the listed users and groups (descriptors in a JSON body) from the relationship (`editors`, `viewers`). Owner or editor only.',
    params: ThreatProfileRelationshipParams,
    body: PrincipalsBody,
    response: EmptyResponse,
    scope: 'threat_profiles:write',
    tool: { name: 'delete-threat-profile-relationships', hints: destructive },
  },
  {
    name: 'getThreatProfileRelationships',
    method: 'GET',
    path: '/v1/threat_profiles/{id}/{relationship}',
    tag: 'Threat profiles',
    summary: 'Get objects related to a threat profile',
    description: 'Lists the full user and group objects holding an access level (`editors`, `viewers`) on the threat profile.',
    params: ThreatProfileRelationshipParams,
    query: PageQuery,
    response: ObjectListResponse,
    scope: 'threat_profiles:read',
    tool: { name: 'get-objects-related-threat-profile', hints: readOnly },
  },
];
