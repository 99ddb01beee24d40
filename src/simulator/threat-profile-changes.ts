// State changes behind POST/DELETE /threat_profiles/{id}/relationships/{editors|viewers}.
// Every principal is validated before anything changes.
import { invalidArgument } from './errors.js';
import { requireGroup, requireUser } from './lookups.js';
import type { PrincipalDescriptor, SimulatorState, SimThreatProfile } from './model.js';

export const PROFILE_RELATIONSHIPS = ['editors', 'viewers'] as const;
export type ProfileRelationship = (typeof PROFILE_RELATIONSHIPS)[number];

export function isProfileRelationship(name: string): name is ProfileRelationship {
  return (PROFILE_RELATIONSHIPS as readonly string[]).includes(name);
}

function samePrincipal(a: PrincipalDescriptor, b: PrincipalDescriptor): boolean {
  return a.type === b.type && a.id === b.id;
}

function requirePrincipal(state: SimulatorState, principal: PrincipalDescriptor): void {
  if (principal.type === 'user') requireUser(state, principal.id);
  else requireGroup(state, principal.id);
}

/** Adds principals at the relationship's level; a principal holds one level, so it leaves the other list. */
export function grantProfileAccess(
  state: SimulatorState,
  profile: SimThreatProfile,
  relationship: ProfileRelationship,
  principals: readonly PrincipalDescriptor[],
): void {
  for (const principal of principals) {
    requirePrincipal(state, principal);
    if (principal.type === 'user' && principal.id === profile.owner) {
      throw invalidArgument(`User "${principal.id}" owns the threat profile and already has full access`);
    }
  }
  const other: ProfileRelationship = relationship === 'editors' ? 'viewers' : 'editors';
  for (const principal of principals) {
    profile[other] = profile[other].filter((existing) => !samePrincipal(existing, principal));
    if (!profile[relationship].some((existing) => samePrincipal(existing, principal))) {
      profile[relationship].push({ type: principal.type, id: principal.id });
    }
  }
}

/** Removes principals from the relationship; principals not in it are a no-op. */
export function revokeProfileAccess(
  state: SimulatorState,
  profile: SimThreatProfile,
  relationship: ProfileRelationship,
  principals: readonly PrincipalDescriptor[],
): void {
  for (const principal of principals) requirePrincipal(state, principal);
  profile[relationship] = profile[relationship].filter(
    (existing) => !principals.some((principal) => samePrincipal(existing, principal)),
  );
}
