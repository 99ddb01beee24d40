import type { SimGroup, SimulatorState, SimUser } from './model.js';
import { groupOfUser, isGroupAdmin } from './membership.js';
import { apiUrl } from './links.js';

interface UserObject {
  type: 'user';
  id: string;
  links: { self: string };
  attributes: Record<string, unknown>;
}

interface MemberDescriptor {
  type: 'user';
  id: string;
  context_attributes: {
    roles: string[];
    quota_limits?: { api_requests_daily: { allowed: number } };
  };
}

/** Email, last login and quotas are for the user themself and their group's administrators. */
function canSeePrivateDetails(state: SimulatorState, user: SimUser, viewer: string): boolean {
  if (user.id === viewer) return true;
  const group = groupOfUser(state, user.id);
  return group !== undefined && isGroupAdmin(group, viewer);
}

export function userObject(state: SimulatorState, user: SimUser, viewer: string): UserObject {
  const attributes: Record<string, unknown> = {
    first_name: user.first_name,
    last_name: user.last_name,
    profile_phrase: user.profile_phrase,
    reputation: user.reputation,
    status: user.status,
    user_since: user.user_since,
  };
  if (canSeePrivateDetails(state, user, viewer)) {
    attributes['email'] = user.email;
    attributes['last_login'] = user.last_login;
    attributes['quotas'] = structuredClone(user.quotas);
  }
  return { type: 'user', id: user.id, links: { self: apiUrl('users', user.id) }, attributes };
}

/**
 * A member's descriptor in a group listing, with the settings the roles PATCH manages. The daily
 * allowance follows the visibility of the user's quotas.
 */
export function memberDescriptor(
  state: SimulatorState,
  group: SimGroup,
  userId: string,
  viewer: string,
): MemberDescriptor {
  const descriptor: MemberDescriptor = {
    type: 'user',
    id: userId,
    context_attributes: { roles: [...(group.members.get(userId)?.roles ?? [])] },
  };
  const user = state.users.get(userId);
  const daily = user?.quotas['api_requests_daily'];
  if (user !== undefined && daily !== undefined && canSeePrivateDetails(state, user, viewer)) {
    descriptor.context_attributes.quota_limits = { api_requests_daily: { allowed: daily.allowed } };
  }
  return descriptor;
}
