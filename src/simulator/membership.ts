import type { Membership, SimGroup, SimulatorState } from './model.js';

export const GROUP_ADMIN_ROLE = 'USER_ROLE_GROUP_ADMIN';
export const PRIVATE_SCANNING_ROLE = 'USER_ROLE_PRIVATE_SCANNING';
/** The six role names VirusTotal documents (Update a service account object). */
export const KNOWN_ROLES: readonly string[] = [
  GROUP_ADMIN_ROLE,
  PRIVATE_SCANNING_ROLE,
  'USER_ROLE_FILE_DOWNLOADS',
  'USER_ROLE_FILE_UPLOADS',
  'USER_ROLE_PRIVATE_FILE_UPLOADS',
  'USER_ROLE_PRIVATE_FILE_DOWNLOADS',
];

export function isAdminMembership(membership: Membership | undefined): boolean {
  return membership !== undefined && membership.roles.includes(GROUP_ADMIN_ROLE);
}

export function isGroupMember(group: SimGroup, username: string): boolean {
  return group.members.has(username);
}

export function isGroupAdmin(group: SimGroup, username: string): boolean {
  return isAdminMembership(group.members.get(username));
}

export function countAdmins(members: ReadonlyMap<string, Membership>): number {
  let admins = 0;
  for (const membership of members.values()) {
    if (isAdminMembership(membership)) admins += 1;
  }
  return admins;
}

/** A user belongs to at most one group. */
export function groupOfUser(state: SimulatorState, username: string): SimGroup | undefined {
  for (const group of state.groups.values()) {
    if (group.members.has(username)) return group;
  }
  return undefined;
}

export function findUserIdByEmail(state: SimulatorState, email: string): string | undefined {
  const wanted = email.toLowerCase();
  for (const user of state.users.values()) {
    if (user.email.toLowerCase() === wanted) return user.id;
  }
  return undefined;
}
