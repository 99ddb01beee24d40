import type { Static } from '@sinclair/typebox';
import {
  changedEchoedQuotas,
  CreateServiceAccountsBody,
  echoedQuotaAllowances,
  PatchGroupBody,
  PatchGroupUsersBody,
  PatchUserBody,
  PrincipalsBody,
  UsersByEmailBody,
} from './bodies.js';
import { defineBodyOperation, defineOperation, type AccountChange, type NamedExample, type Operation, type Scope, type TypedInput } from './operation.js';
import {
  GroupParams,
  GroupRelationshipParams,
  GroupUserParams,
  GroupObjectQuery,
  ListingQuery,
  NoQuery,
  AttributesQuery,
  ServiceAccountParams,
  CollectionQuery,
  NoParams,
  ThreatProfileObjectQuery,
  ThreatProfileParams,
  ThreatProfileReadableRelationshipParams,
  ThreatProfileRelationshipParams,
  UsageQuery,
  UserObjectQuery,
  UserParams,
  UserRelationshipParams,
} from './params.js';
import {
  ApiUsageResponse,
  CheckResponse,
  CreatedServiceAccountsResponse,
  DescriptorPage,
  EmptyResponse,
  GroupPage,
  GroupResponse,
  OverallQuotasResponse,
  PatchUserResponse,
  RelatedObjectPage,
  ServiceAccountPage,
  ServiceAccountResponse,
  ThreatProfilePage,
  ThreatProfileResponse,
  UserResponse,
} from './responses.js';

const GROUP_ADMIN_ROLE = 'USER_ROLE_GROUP_ADMIN';

const readOnly = { readOnly: true, destructive: false, idempotent: true };
const additive = { readOnly: false, destructive: false, idempotent: true };
const destructive = { readOnly: false, destructive: true, idempotent: true };
const creating = { readOnly: false, destructive: false, idempotent: false };

function patchGroupIdMatchesPath({ body, params }: TypedInput<typeof PatchGroupBody>): string | undefined {
  if (body.data.id !== undefined && body.data.id !== params.id) {
    return `data.id "${body.data.id}" must equal the group ID in the path ("${params.id}")`;
  }
  return undefined;
}

function roleEntriesAreConsistent({ body }: TypedInput<typeof PatchGroupUsersBody>): string | undefined {
  for (const [i, entry] of body.data.entries()) {
    const change = entry.context_attributes;
    if (change.roles !== undefined && (change.add_roles !== undefined || change.remove_roles !== undefined)) {
      return `data[${i}].context_attributes: gateway policy: "roles" replaces all roles and is not combined with "add_roles" or "remove_roles"`;
    }
    const removed = new Set(change.remove_roles ?? []);
    const both = (change.add_roles ?? []).find((role) => removed.has(role));
    if (both !== undefined) {
      return `data[${i}].context_attributes: gateway policy: role "${both}" is not both added and removed`;
    }
  }
  return undefined;
}

/** A `roles` replacement can silently drop the admin role, so it needs the admin scope just like naming it. */
function roleEntriesNeedingAdminScope(body: Static<typeof PatchGroupUsersBody>): Scope[] {
  const touchesAdmin = body.data.some(({ context_attributes: c }) =>
    c.roles !== undefined || [...(c.add_roles ?? []), ...(c.remove_roles ?? [])].includes(GROUP_ADMIN_ROLE),
  );
  return touchesAdmin ? ['groups:admins'] : [];
}

function roleEntryAccountChanges({ body }: TypedInput<typeof PatchGroupUsersBody>): AccountChange[] {
  return body.data.flatMap(({ id, context_attributes: c }): AccountChange[] => [
    ...(c.roles !== undefined || c.remove_roles !== undefined ? [{ kind: 'change-roles' as const, user: id }] : []),
    ...(c.quota_limits === undefined
      ? []
      : [{ kind: 'set-daily-allowance' as const, user: id, allowed: c.quota_limits.api_requests_daily.allowed }]),
  ]);
}

function summarizeRoleEntries(body: Static<typeof PatchGroupUsersBody>): Record<string, unknown> {
  return {
    users: body.data.map(({ id, context_attributes: c }) => ({
      id,
      ...(c.roles === undefined ? {} : { replaceRoles: c.roles }),
      ...(c.add_roles === undefined ? {} : { addRoles: c.add_roles }),
      ...(c.remove_roles === undefined ? {} : { removeRoles: c.remove_roles }),
      ...(c.quota_limits === undefined ? {} : { dailyAllowance: c.quota_limits.api_requests_daily.allowed }),
    })),
  };
}

function patchUserIdMatchesPath({ body, params }: TypedInput<typeof PatchUserBody>): string | undefined {
  if (body.data.id !== undefined && body.data.id !== params.id) {
    return `data.id "${body.data.id}" must equal the user ID in the path ("${params.id}")`;
  }
  return undefined;
}

/** VirusTotal's four examples of the roles and allowance PATCH (seeds/000), named as VirusTotal names them. */
const ROLE_AND_ALLOWANCE_EXAMPLES = {
  'lower-daily-cap': {
    summary: "Lower the user's daily API cap to 10.",
    value: { data: [{ type: 'user', id: 'user_1', context_attributes: { quota_limits: { api_requests_daily: { allowed: 10 } } } }] },
  },
  'grant-admin-clear-settings': {
    summary: 'Clear all individual settings and grant administrative privileges within the group to both user_1 and user_2.',
    value: {
      data: [
        { type: 'user', id: 'user_1', context_attributes: { roles: [GROUP_ADMIN_ROLE] } },
        { type: 'user', id: 'user_2', context_attributes: { roles: [GROUP_ADMIN_ROLE] } },
      ],
    },
  },
  'grant-private-scanning': {
    summary: 'Grant the user access to Private Scanning.',
    value: { data: [{ type: 'user', id: 'user_1', context_attributes: { add_roles: ['USER_ROLE_PRIVATE_SCANNING'] } }] },
  },
  'revoke-private-scanning': {
    summary: "Revoke the user's access to Private Scanning.",
    value: { data: [{ type: 'user', id: 'user_1', context_attributes: { remove_roles: ['USER_ROLE_PRIVATE_SCANNING'] } }] },
  },
  'grant-file-roles': {
    summary: 'Grant file downloads and uploads, revoke private file uploads and downloads (the other documented role names).',
    value: {
      data: [
        { type: 'user', id: 'user_1', context_attributes: { add_roles: ['USER_ROLE_FILE_DOWNLOADS', 'USER_ROLE_FILE_UPLOADS'] } },
        { type: 'user', id: 'user_2', context_attributes: { remove_roles: ['USER_ROLE_PRIVATE_FILE_UPLOADS', 'USER_ROLE_PRIVATE_FILE_DOWNLOADS'] } },
      ],
    },
  },
} satisfies Record<string, NamedExample<Static<typeof PatchGroupUsersBody>>>;

const THREAT_PROFILE = '332e02da667746f180a9740e94a3ec98';

/** VirusTotal's three examples of removing threat-profile access (seeds/001), named as VirusTotal names them. */
const THREAT_PROFILE_REVOCATION_EXAMPLES = {
  'remove-editors-users': {
    summary: `Remove access of user1 and user2 editors to the Threat Profile with ${THREAT_PROFILE} identifier.`,
    description: `DELETE /v1/threat_profiles/${THREAT_PROFILE}/relationships/editors`,
    value: { data: [{ type: 'user', id: 'user1' }, { type: 'user', id: 'user2' }] },
  },
  'remove-editors-groups': {
    summary: `Revoke access for members of group1 and group2 with editor privilege to the Threat Profile identified as ${THREAT_PROFILE}.`,
    description: `DELETE /v1/threat_profiles/${THREAT_PROFILE}/relationships/editors`,
    value: { data: [{ type: 'group', id: 'group1' }, { type: 'group', id: 'group2' }] },
  },
  'remove-viewers': {
    summary: `Remove access of user1 and members of group1 with viewer privilege to the Threat Profile with ${THREAT_PROFILE} identifier.`,
    description: `DELETE /v1/threat_profiles/${THREAT_PROFILE}/relationships/viewers`,
    value: { data: [{ type: 'user', id: 'user1' }, { type: 'group', id: 'group1' }] },
  },
} satisfies Record<string, NamedExample<Static<typeof PrincipalsBody>>>;

const KEYS_NOTE = 'A service account\'s `apikey` is a live VirusTotal key: it reaches only clients with the `service_accounts:keys` scope; others get the object without it.';

function principals(body: Static<typeof PrincipalsBody>): string[] {
  return body.data.map((principal) => `${principal.type}:${principal.id}`);
}

export const operations: readonly Operation[] = [
  defineOperation({
    name: 'groups',
    method: 'GET',
    path: '/groups/{id}',
    tag: 'Groups',
    summary: 'Get a group object',
    description:
      'Returns the VirusTotal group object: organisation, country, quotas, privileges and preferences. `auto_add_users` is visible to group admins only.',
    resource: 'group',
    params: GroupParams,
    query: GroupObjectQuery,
    response: GroupResponse,
    scope: 'groups:read',
    tool: { name: 'get-group-object', hints: readOnly },
  }),
  defineBodyOperation({
    name: 'patchGroup',
    method: 'PATCH',
    path: '/groups/{id}',
    tag: 'Groups',
    summary: 'Update a group object',
    description:
      'Changes the given group attributes (e.g. `auto_add_users`); attributes not present stay unchanged. Returns the updated group object. Group admins only.',
    resource: 'group',
    params: GroupParams,
    query: NoQuery,
    body: PatchGroupBody,
    response: GroupResponse,
    scope: 'groups:write',
    check: patchGroupIdMatchesPath,
    examples: {
      'auto-add-users': {
        summary: 'Auto-add new accounts from example.com, and alice@example.org',
        value: { data: { type: 'group', attributes: { auto_add_users: ['*@example.com', 'alice@example.org'] } } },
      },
    },
    summarize: (body) => ({ attributes: Object.keys(body.data.attributes ?? {}).sort() }),
    tool: { name: 'update-group-object', hints: destructive },
  }),
  defineOperation({
    name: 'getGroupAdministrators',
    method: 'GET',
    path: '/groups/{id}/relationships/administrators',
    tag: 'Group administrators',
    summary: 'Get administrators for a group',
    description: 'Lists the group administrators as user descriptors, one page at a time (`limit`, `cursor`).',
    resource: 'group',
    params: GroupParams,
    query: ListingQuery,
    response: DescriptorPage,
    scope: 'groups:read',
    tool: { name: 'get-administrators-group', hints: readOnly },
  }),
  defineBodyOperation({
    name: 'postGroupAdministrators',
    method: 'POST',
    path: '/groups/{id}/relationships/administrators',
    tag: 'Group administrators',
    summary: 'Grant group admin permissions to a list of users',
    description:
      'Makes the listed group members administrators. Users are given by **email address** (a username is refused). VirusTotal answers 200 with an empty body.',
    resource: 'group',
    params: GroupParams,
    query: NoQuery,
    body: UsersByEmailBody,
    response: EmptyResponse,
    scope: 'groups:admins',
    examples: {
      'grant-admin': { summary: 'Make new_user@example.com a group administrator', value: { data: [{ type: 'user', id: 'new_user@example.com' }] } },
    },
    summarize: (body) => ({ grantAdminTo: body.data.map((user) => user.id) }),
    tool: { name: 'grant-group-admin-permissions-list', hints: additive },
  }),
  defineOperation({
    name: 'deleteUserGroupAdministrator',
    method: 'DELETE',
    path: '/groups/{id}/relationships/administrators/{user_id}',
    tag: 'Group administrators',
    summary: 'Revoke group admin permissions from a user',
    description: 'Revokes the administrator role of the user (by username). The user stays a group member.',
    resource: 'group',
    params: GroupUserParams,
    query: NoQuery,
    response: EmptyResponse,
    scope: 'groups:admins',
    accountChanges: ({ params }) => [{ kind: 'revoke-admin', user: params.user_id ?? '' }],
    tool: { name: 'revoke-group-admin-permissions-user', hints: destructive },
  }),
  defineOperation({
    name: 'checkUserGroupAdministrator',
    method: 'GET',
    path: '/groups/{id}/relationships/administrators/{user_id}',
    tag: 'Group administrators',
    summary: 'Check if a user is a group admin',
    description: 'Answers `{"data": true}` when the user (by username) administers the group, else `{"data": false}`.',
    resource: 'group',
    params: GroupUserParams,
    query: NoQuery,
    response: CheckResponse,
    scope: 'groups:read',
    tool: { name: 'check-if-user-is-group', hints: readOnly },
  }),
  defineOperation({
    name: 'getGroupUsers',
    method: 'GET',
    path: '/groups/{id}/relationships/users',
    tag: 'Group users',
    summary: 'Get group users',
    description: 'Lists the group members as user descriptors, one page at a time (`limit`, `cursor`).',
    resource: 'group',
    params: GroupParams,
    query: ListingQuery,
    response: DescriptorPage,
    scope: 'groups:read',
    tool: { name: 'get-group-users', hints: readOnly },
  }),
  defineBodyOperation({
    name: 'updateGroupUsers',
    method: 'POST',
    path: '/groups/{id}/relationships/users',
    tag: 'Group users',
    summary: 'Add users to a group',
    description:
      'Adds the listed users to the group. Users are given by **email address** (a username is refused); a user belongs to one group at most. VirusTotal answers 200 with an empty body.',
    resource: 'group',
    params: GroupParams,
    query: NoQuery,
    body: UsersByEmailBody,
    response: EmptyResponse,
    scope: 'groups:write',
    examples: {
      'add-user': { summary: 'Add new_user@example.com to the group', value: { data: [{ type: 'user', id: 'new_user@example.com' }] } },
    },
    summarize: (body) => ({ addUsers: body.data.map((user) => user.id) }),
    tool: { name: 'add-users-group', hints: additive },
  }),
  defineBodyOperation({
    name: 'patchGroupUsers',
    method: 'PATCH',
    path: '/groups/{id}/relationships/users',
    tag: 'Group users',
    summary: "Manage users' roles and daily API allowance",
    description:
      'Per user (by username): `roles` replaces all roles, `add_roles` appends or updates, `remove_roles` revokes the listed ones (`USER_ROLE_GROUP_ADMIN`, `USER_ROLE_PRIVATE_SCANNING`); `quota_limits.api_requests_daily.allowed` sets the daily API cap. Entries naming `USER_ROLE_GROUP_ADMIN`, and every `roles` replacement, need the `groups:admins` scope.',
    resource: 'group',
    params: GroupParams,
    query: NoQuery,
    body: PatchGroupUsersBody,
    response: EmptyResponse,
    scope: 'groups:write',
    extraScopes: { possible: ['groups:admins'], needed: roleEntriesNeedingAdminScope },
    check: roleEntriesAreConsistent,
    examples: ROLE_AND_ALLOWANCE_EXAMPLES,
    summarize: summarizeRoleEntries,
    accountChanges: roleEntryAccountChanges,
    tool: { name: 'manage-group-users-roles-allowance', hints: destructive },
  }),
  defineOperation({
    name: 'deleteUserFromGroup',
    method: 'DELETE',
    path: '/groups/{id}/relationships/users/{user_id}',
    tag: 'Group users',
    summary: 'Remove a user from a group',
    description: 'Removes the user (by username) from the group, with their roles.',
    resource: 'group',
    params: GroupUserParams,
    query: NoQuery,
    response: EmptyResponse,
    scope: 'groups:write',
    // Removing a member removes their admin role with them: a right only `groups:admins` may take away.
    extraScopes: ['groups:admins'],
    accountChanges: ({ params }) => [{ kind: 'remove-member', user: params.user_id ?? '' }],
    tool: { name: 'remove-user-group', hints: destructive },
  }),
  defineOperation({
    name: 'checkUserInGroup',
    method: 'GET',
    path: '/groups/{id}/relationships/users/{user_id}',
    tag: 'Group users',
    summary: 'Check if a user is a group member',
    description: 'Answers `{"data": true}` when the user (by username) is a member of the group, else `{"data": false}`.',
    resource: 'group',
    params: GroupUserParams,
    query: NoQuery,
    response: CheckResponse,
    scope: 'groups:read',
    tool: { name: 'check-if-user-is-group-2', hints: readOnly },
  }),
  defineOperation({
    name: 'groupsRelationshipsIds',
    method: 'GET',
    path: '/groups/{id}/relationships/{relationship}',
    tag: 'Groups',
    summary: 'Get object descriptors related to a group',
    description:
      'Lists descriptors (`type`, `id`, sometimes `context_attributes`) of the objects in a group relationship: `administrators`, `users`, `graphs`, `service_accounts`.',
    resource: 'group',
    params: GroupRelationshipParams,
    query: ListingQuery,
    response: DescriptorPage,
    scope: 'groups:read',
    tool: { name: 'get-object-descriptors-related-group', hints: readOnly },
  }),
  defineOperation({
    name: 'groupsRelationships',
    method: 'GET',
    path: '/groups/{id}/{relationship}',
    tag: 'Groups',
    summary: 'Get objects related to a group',
    description:
      `Lists the full objects in a group relationship (\`administrators\`, \`users\`, \`graphs\`, \`service_accounts\`); user attributes are filtered by what the key may see. ${KEYS_NOTE}`,
    resource: 'group',
    params: GroupRelationshipParams,
    query: ListingQuery,
    response: RelatedObjectPage,
    scope: 'groups:read',
    tool: { name: 'get-objects-related-group', hints: readOnly },
  }),
  defineOperation({
    name: 'listGroupServiceAccountDescriptors',
    method: 'GET',
    path: '/groups/{id}/relationships/service_accounts',
    tag: 'Service accounts',
    summary: "List a group's service accounts (descriptors)",
    description: "Lists the group's service accounts as descriptors (`type`, `id` = `<group ID>_<service account ID>`), one page at a time.",
    resource: 'group',
    params: GroupParams,
    query: ListingQuery,
    response: DescriptorPage,
    scope: 'groups:read',
    tool: { name: 'list-group-service-account-descriptors', hints: readOnly },
  }),
  defineOperation({
    name: 'listGroupServiceAccounts',
    method: 'GET',
    path: '/groups/{id}/service_accounts',
    tag: 'Service accounts',
    summary: "List a group's service accounts",
    description: `Lists the group's service account objects, one page at a time. ${KEYS_NOTE}`,
    resource: 'group',
    params: GroupParams,
    query: ListingQuery,
    response: ServiceAccountPage,
    scope: 'groups:read',
    tool: { name: 'list-group-service-accounts', hints: readOnly },
  }),
  defineBodyOperation({
    name: 'createGroupServiceAccounts',
    method: 'POST',
    path: '/groups/{id}/relationships/service_accounts',
    tag: 'Service accounts',
    summary: 'Create service accounts in a group',
    description:
      'Creates the listed service accounts (only `id` is needed; VirusTotal names each `<group ID>_<id>`), each with an API key of its own. Group admins only.',
    resource: 'group',
    params: GroupParams,
    query: NoQuery,
    body: CreateServiceAccountsBody,
    response: CreatedServiceAccountsResponse,
    scope: 'service_accounts:write',
    examples: {
      'create-vt-enrichment': {
        summary: 'Create the service account vt_enrichment',
        value: { data: [{ type: 'service_account', id: 'vt_enrichment' }] },
      },
    },
    summarize: (body) => ({ createServiceAccounts: body.data.map((account) => account.id) }),
    tool: { name: 'create-group-service-accounts', hints: creating },
  }),
  defineOperation({
    name: 'getServiceAccount',
    method: 'GET',
    path: '/service_accounts/{id}',
    tag: 'Service accounts',
    summary: 'Get a service account object',
    description: `Returns the service account (\`<group ID>_<service account ID>\`). Needs the group allowlist \`*\`: a service account's group cannot be told from its ID. ${KEYS_NOTE}`,
    resource: 'serviceAccount',
    params: ServiceAccountParams,
    query: AttributesQuery,
    response: ServiceAccountResponse,
    scope: 'groups:read',
    tool: { name: 'get-service-account', hints: readOnly },
  }),
  defineOperation({
    name: 'getGroupApiUsage',
    method: 'GET',
    path: '/groups/{id}/api_usage',
    tag: 'Groups',
    summary: "Get a group's API usage",
    description:
      "API calls of the group's members per day and endpoint, `start_date` to `end_date` (`YYYYMMDD`; default the last 30 days, at most 30 days, kept 60 days). Group admins only.",
    resource: 'group',
    params: GroupParams,
    query: UsageQuery,
    response: ApiUsageResponse,
    scope: 'groups:usage',
    tool: { name: 'get-group-api-usage', hints: readOnly },
  }),
  defineOperation({
    name: 'getUser',
    method: 'GET',
    path: '/users/{id}',
    tag: 'Users',
    summary: 'Get a user object',
    description:
      'Returns the user object (by username); email, quotas and last login are visible to the user and their group admins. An API key as ID is refused. Needs the group allowlist `*`.',
    resource: 'user',
    params: UserParams,
    query: UserObjectQuery,
    response: UserResponse,
    scope: 'users:read',
    tool: { name: 'get-user-object', hints: readOnly },
  }),
  defineBodyOperation({
    name: 'patchUser',
    method: 'PATCH',
    path: '/users/{id}',
    tag: 'Users',
    summary: "Set a user's daily API allowance",
    description:
      "Sets the member's daily API cap (`data.attributes.quotas.api_requests_daily.allowed`), the older route next to the group users PATCH. No other user attribute is accepted; the other quotas and `used` counts vt-py sends back with the object are accepted and never forwarded. When other quotas are sent, the user is read first: a value that differs from VirusTotal's is refused (400, nothing changed) instead of being dropped. Group admins only; needs the group allowlist `*`.",
    resource: 'user',
    params: UserParams,
    query: NoQuery,
    body: PatchUserBody,
    response: PatchUserResponse,
    scope: 'users:write',
    check: patchUserIdMatchesPath,
    examples: {
      'set-daily-allowance': {
        summary: "Set the user's daily API cap to 1000",
        value: { data: { type: 'user', attributes: { quotas: { api_requests_daily: { allowed: 1000 } } } } },
      },
    },
    summarize: (body) => ({ dailyAllowance: body.data.attributes.quotas.api_requests_daily.allowed }),
    accountChanges: ({ params, body }) => [
      { kind: 'set-daily-allowance', user: params.id ?? '', allowed: body.data.attributes.quotas.api_requests_daily.allowed },
    ],
    // vt-py sends every quota back with the one it changed: the user is read first so that a change to another quota,
    // which the gateway would not forward, is refused rather than dropped without a word.
    readFirst: ({ params, body }) => {
      const echoed = echoedQuotaAllowances(body);
      if (Object.keys(echoed).length === 0) return undefined;
      return { path: `/users/${encodeURIComponent(params.id ?? '')}`, problem: (current) => changedEchoedQuotas(echoed, current) };
    },
    tool: { name: 'set-user-daily-allowance', hints: destructive },
  }),
  defineOperation({
    name: 'getUserOverallQuotas',
    method: 'GET',
    path: '/users/{id}/overall_quotas',
    tag: 'Users',
    summary: "Get a user's overall quotas",
    description:
      "The user's allowance and use (daily, hourly, monthly), their own and the group's they inherit from. Needs the group allowlist `*`.",
    resource: 'user',
    params: UserParams,
    query: NoQuery,
    response: OverallQuotasResponse,
    scope: 'users:read',
    tool: { name: 'get-user-overall-quotas', hints: readOnly },
  }),
  defineOperation({
    name: 'getUserApiUsage',
    method: 'GET',
    path: '/users/{id}/api_usage',
    tag: 'Users',
    summary: "Get a user's API usage",
    description:
      "The user's API calls per day and endpoint, `start_date` to `end_date` (`YYYYMMDD`). The user or an admin of their group only. Needs the group allowlist `*`.",
    resource: 'user',
    params: UserParams,
    query: UsageQuery,
    response: ApiUsageResponse,
    scope: 'users:usage',
    tool: { name: 'get-user-api-usage', hints: readOnly },
  }),
  defineOperation({
    name: 'getUserRelationshipsIds',
    method: 'GET',
    path: '/users/{id}/relationships/{relationship}',
    tag: 'Users',
    summary: 'Get object descriptors related to a user',
    description:
      "Descriptors of the user's `groups` (owner only), `groups_managed`, `api_quota_group` or `intelligence_quota_group`. Needs the group allowlist `*`.",
    resource: 'user',
    params: UserRelationshipParams,
    query: ListingQuery,
    response: DescriptorPage,
    scope: 'users:read',
    tool: { name: 'get-object-descriptors-related-user', hints: readOnly },
  }),
  defineOperation({
    name: 'getUserRelationships',
    method: 'GET',
    path: '/users/{id}/{relationship}',
    tag: 'Users',
    summary: 'Get objects related to a user',
    description:
      "The group objects of the user's `groups` (owner only), `groups_managed`, `api_quota_group` or `intelligence_quota_group`. Needs the group allowlist `*`.",
    resource: 'user',
    params: UserRelationshipParams,
    query: ListingQuery,
    response: GroupPage,
    scope: 'users:read',
    tool: { name: 'get-objects-related-user', hints: readOnly },
  }),
  defineOperation({
    name: 'listThreatProfiles',
    method: 'GET',
    path: '/threat_profiles',
    tag: 'Threat profiles',
    summary: 'List threat profiles',
    description:
      "Lists the threat profiles the key's account owns or holds access to, a page at a time (`filter`, e.g. `name:APT`, as `vt threatprofile list --filter` sends it). Needs the threat-profile allowlist `*`: a page cannot be cut to an allowlist without breaking VirusTotal's paging.",
    resource: 'threatProfileList',
    params: NoParams,
    query: CollectionQuery,
    response: ThreatProfilePage,
    scope: 'threat_profiles:read',
    tool: { name: 'list-threat-profiles', hints: readOnly },
  }),
  defineOperation({
    name: 'getThreatProfile',
    method: 'GET',
    path: '/threat_profiles/{id}',
    tag: 'Threat profiles',
    summary: 'Get a threat profile object',
    description:
      'Returns the threat profile: its name, interests and recommendation settings; `relationships=` embeds `editors` and `viewers` (who holds which access level) and `recommendations` as descriptors.',
    resource: 'threatProfile',
    params: ThreatProfileParams,
    query: ThreatProfileObjectQuery,
    response: ThreatProfileResponse,
    scope: 'threat_profiles:read',
    tool: { name: 'get-threat-profile', hints: readOnly },
  }),
  defineOperation({
    name: 'getThreatProfileRelationshipsIds',
    method: 'GET',
    path: '/threat_profiles/{id}/relationships/{relationship}',
    tag: 'Threat profiles',
    summary: 'Get object descriptors related to a threat profile',
    description:
      'Lists descriptors of the users and groups holding an access level (`editors`, `viewers`) on the threat profile, or of the collections recommended to it (`recommendations`). Public preview in VirusTotal.',
    resource: 'threatProfile',
    params: ThreatProfileReadableRelationshipParams,
    query: ListingQuery,
    response: DescriptorPage,
    scope: 'threat_profiles:read',
    tool: { name: 'get-object-descriptors-related-threat-profile', hints: readOnly },
  }),
  defineBodyOperation({
    name: 'addThreatProfileRelationships',
    method: 'POST',
    path: '/threat_profiles/{id}/relationships/{relationship}',
    tag: 'Threat profiles',
    summary: 'Add or update threat-profile access',
    description:
      'Gives the listed users and groups (descriptors of type `user` or `group`) the access level named by the relationship (`editors`, `viewers`); an existing level is updated. Owner or editor only.',
    resource: 'threatProfile',
    params: ThreatProfileRelationshipParams,
    query: NoQuery,
    body: PrincipalsBody,
    response: EmptyResponse,
    scope: 'threat_profiles:write',
    examples: {
      'add-viewers': {
        summary: 'Give user1 and the members of group1 viewer access',
        description: 'POST /v1/threat_profiles/332e02da667746f180a9740e94a3ec98/relationships/viewers',
        value: { data: [{ type: 'user', id: 'user1' }, { type: 'group', id: 'group1' }] },
      },
    },
    summarize: (body) => ({ grant: principals(body) }),
    accountChanges: ({ params, body }) =>
      params.relationship === 'viewers' ? body.data.map((p) => ({ kind: 'grant-viewer' as const, principalType: p.type, principal: p.id })) : [],
    tool: { name: 'add-threat-profile-relationships', hints: destructive },
  }),
  defineBodyOperation({
    name: 'deleteThreatProfileRelationships',
    method: 'DELETE',
    path: '/threat_profiles/{id}/relationships/{relationship}',
    tag: 'Threat profiles',
    summary: 'Remove threat-profile access',
    description:
      'Removes the listed users and groups (descriptors in a JSON body) from the relationship (`editors`, `viewers`). Owner or editor only.',
    resource: 'threatProfile',
    params: ThreatProfileRelationshipParams,
    query: NoQuery,
    body: PrincipalsBody,
    response: EmptyResponse,
    scope: 'threat_profiles:write',
    examples: THREAT_PROFILE_REVOCATION_EXAMPLES,
    summarize: (body) => ({ revoke: principals(body) }),
    accountChanges: ({ params, body }) =>
      params.relationship === 'editors' ? body.data.map((p) => ({ kind: 'remove-editor' as const, principalType: p.type, principal: p.id })) : [],
    tool: { name: 'delete-threat-profile-relationships', hints: destructive },
  }),
  defineOperation({
    name: 'getThreatProfileRelationships',
    method: 'GET',
    path: '/threat_profiles/{id}/{relationship}',
    tag: 'Threat profiles',
    summary: 'Get objects related to a threat profile',
    description:
      'Lists the full user and group objects holding an access level (`editors`, `viewers`) on the threat profile, or the collections recommended to it (`recommendations`).',
    resource: 'threatProfile',
    params: ThreatProfileReadableRelationshipParams,
    query: ListingQuery,
    response: RelatedObjectPage,
    scope: 'threat_profiles:read',
    tool: { name: 'get-objects-related-threat-profile', hints: readOnly },
  }),
];
