// State changes behind the group-membership endpoints. Each function validates every input before it
// changes anything, so a failing request leaves the state as it was.
import type { RoleChange } from './bodies/role-changes.js';
import { alreadyExists, badRequest, invalidArgument, notFound } from './errors.js';
import { requireUser } from './lookups.js';
import type { Membership, SimGroup, SimulatorState, SimUser } from './model.js';
import {
  countAdmins,
  findUserIdByEmail,
  GROUP_ADMIN_ROLE,
  groupOfUser,
  isAdminMembership,
} from './membership.js';

function lastAdminError(group: SimGroup): Error {
  return badRequest(`The change would leave group "${group.id}" without administrators`);
}

function requireUserByEmail(state: SimulatorState, email: string): string {
  const userId = findUserIdByEmail(state, email);
  if (userId === undefined) throw notFound(`User with email "${email}" not found`);
  return userId;
}

function uniqueRoles(roles: readonly string[]): string[] {
  return [...new Set(roles)];
}

/** POST /groups/{id}/relationships/users. Members already in this group are left as they are. */
export function addMembers(state: SimulatorState, group: SimGroup, emails: readonly string[]): void {
  const newcomers: string[] = [];
  for (const email of emails) {
    const userId = requireUserByEmail(state, email);
    const currentGroup = groupOfUser(state, userId);
    if (currentGroup === group) continue;
    if (currentGroup !== undefined) {
      throw alreadyExists(`User "${email}" already belongs to another group; remove them from it first`);
    }
    newcomers.push(userId);
  }
  for (const userId of newcomers) {
    if (!group.members.has(userId)) group.members.set(userId, { roles: [] });
  }
}

/** POST /groups/{id}/relationships/administrators. Only members can be made administrators. */
export function grantAdmins(state: SimulatorState, group: SimGroup, emails: readonly string[]): void {
  const memberships: Membership[] = emails.map((email) => {
    const membership = group.members.get(requireUserByEmail(state, email));
    if (membership === undefined) {
      throw invalidArgument(`User "${email}" is not a member of group "${group.id}"; add them to the group first`);
    }
    return membership;
  });
  for (const membership of memberships) {
    if (!membership.roles.includes(GROUP_ADMIN_ROLE)) membership.roles.push(GROUP_ADMIN_ROLE);
  }
}

/** DELETE /groups/{id}/relationships/administrators/{user_id}. A user who is no admin here is a no-op. */
export function revokeAdmin(state: SimulatorState, group: SimGroup, username: string): void {
  requireUser(state, username);
  const membership = group.members.get(username);
  if (membership === undefined || !isAdminMembership(membership)) return;
  if (countAdmins(group.members) === 1) throw lastAdminError(group);
  membership.roles = membership.roles.filter((role) => role !== GROUP_ADMIN_ROLE);
}

/** DELETE /groups/{id}/relationships/users/{user_id}. A user who is no member here is a no-op. */
export function removeMember(state: SimulatorState, group: SimGroup, username: string): void {
  requireUser(state, username);
  const membership = group.members.get(username);
  if (membership === undefined) return;
  if (isAdminMembership(membership) && countAdmins(group.members) === 1) throw lastAdminError(group);
  group.members.delete(username);
}

/**
 * PATCH /groups/{id}/relationships/users. Entries apply in order, each as roles (replace), then
 * add_roles, then remove_roles, then quota_limits; they are worked out on a draft and committed together.
 */
export function applyRoleChanges(state: SimulatorState, group: SimGroup, changes: readonly RoleChange[]): void {
  const draft = new Map<string, Membership>();
  for (const [userId, membership] of group.members) draft.set(userId, { roles: [...membership.roles] });
  const allowances = new Map<SimUser, number>();

  for (const change of changes) {
    const user = requireUser(state, change.userId);
    const membership = draft.get(change.userId);
    if (membership === undefined) {
      throw invalidArgument(`User "${change.userId}" is not a member of group "${group.id}"`);
    }
    if (change.roles !== undefined) membership.roles = uniqueRoles(change.roles);
    if (change.addRoles !== undefined) membership.roles = uniqueRoles([...membership.roles, ...change.addRoles]);
    const removed = change.removeRoles;
    if (removed !== undefined) membership.roles = membership.roles.filter((role) => !removed.includes(role));
    if (change.dailyAllowance !== undefined) allowances.set(user, change.dailyAllowance);
  }
  if (countAdmins(draft) === 0) throw lastAdminError(group);

  for (const [userId, drafted] of draft) group.members.set(userId, drafted);
  for (const [user, allowed] of allowances) {
    user.quotas['api_requests_daily'] = { allowed, used: user.quotas['api_requests_daily']?.used ?? 0 };
  }
}
