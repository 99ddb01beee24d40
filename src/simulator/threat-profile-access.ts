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

export function requireProfileReader(state: SimulatorState, profile: SimThreatProfile, username: string): void {
  if (accessLevel(state, profile, username) === undefined) throw forbidden();
}

export function requireProfileWriter(state: SimulatorState, profile: SimThreatProfile, username: string): void {
  const level = accessLevel(state, profile, username);
  if (level !== 'owner' && level !== 'editor') throw forbidden();
}
