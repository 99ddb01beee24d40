import { forbidden } from './errors.js';
import type { PrincipalDescriptor, SimulatorState, SimThreatProfile } from './model.js';
import { groupOfUser } from './membership.js';

type AccessLevel = 'owner' | 'editor' | 'viewer';

function grants(principals: readonly PrincipalDescriptor[], username: string, groupId: string | undefined): boolean {
  return principals.some(
    (principal) =>
      (principal.type === 'user' && principal.id === username) ||
      (principal.type === 'group' && principal.id === groupId),
  );
}

/** The caller's level on a profile, granted directly or through the caller's group. */
function accessLevel(state: SimulatorState, profile: SimThreatProfile, username: string): AccessLevel | undefined {
  if (profile.owner === username) return 'owner';
  const groupId = groupOfUser(state, username)?.id;
  if (grants(profile.editors, username, groupId)) return 'editor';
  if (grants(profile.viewers, username, groupId)) return 'viewer';
  return undefined;
}

/** Whether the caller holds any level on the profile: what lists it and lets it be read. */
export function canReadProfile(state: SimulatorState, profile: SimThreatProfile, username: string): boolean {
  return accessLevel(state, profile, username) !== undefined;
}

export function requireProfileReader(state: SimulatorState, profile: SimThreatProfile, username: string): void {
  if (!canReadProfile(state, profile, username)) throw forbidden();
}

export function requireProfileWriter(state: SimulatorState, profile: SimThreatProfile, username: string): void {
  const level = accessLevel(state, profile, username);
  if (level !== 'owner' && level !== 'editor') throw forbidden();
}
