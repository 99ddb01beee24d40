import { notFound } from './errors.js';
import type { SimGroup, SimulatorState, SimThreatProfile, SimUser } from './model.js';

export function requireGroup(state: SimulatorState, groupId: string): SimGroup {
  const group = state.groups.get(groupId);
  if (group === undefined) throw notFound(`Group "${groupId}" not found`);
  return group;
}

export function requireUser(state: SimulatorState, username: string): SimUser {
  const user = state.users.get(username);
  if (user === undefined) throw notFound(`User "${username}" not found`);
  return user;
}

export function requireThreatProfile(state: SimulatorState, profileId: string): SimThreatProfile {
  const profile = state.threatProfiles.get(profileId);
  if (profile === undefined) throw notFound(`Threat profile "${profileId}" not found`);
  return profile;
}
