import { groupObject } from './group-view.js';
import type { PrincipalDescriptor, SimulatorState, SimThreatProfile } from './model.js';
import type { ListingForm } from './group-relationships.js';
import { missingObject } from './related-object-view.js';
import type { ProfileRelationship } from './threat-profile-changes.js';
import { userObject } from './user-view.js';

function principalObject(state: SimulatorState, principal: PrincipalDescriptor, viewer: string): unknown {
  if (principal.type === 'user') {
    const user = state.users.get(principal.id);
    return user === undefined ? missingObject('user', principal.id) : userObject(state, user, viewer);
  }
  const group = state.groups.get(principal.id);
  return group === undefined ? missingObject('group', principal.id) : groupObject(group, viewer);
}

export function listProfileRelationship(
  state: SimulatorState,
  profile: SimThreatProfile,
  relationship: ProfileRelationship,
  viewer: string,
  form: ListingForm,
): unknown[] {
  const principals = profile[relationship];
  if (form === 'descriptors') return principals.map((principal) => ({ type: principal.type, id: principal.id }));
  return principals.map((principal) => principalObject(state, principal, viewer));
}
