import type { SimGroup, SimulatorSeed, SimulatorState, SimThreatProfile, SimUser } from './model.js';
import { countAdmins, KNOWN_ROLES } from './membership.js';

/**
 * Builds a live state from a seed. The seed is deep-copied, so the same seed object can start any
 * number of independent simulators. Throws if the seed breaks an invariant the API relies on.
 */
export function createState(seed: SimulatorSeed): SimulatorState {
  const copy = structuredClone(seed);
  const users = new Map<string, SimUser>();
  for (const user of copy.users) {
    if (users.has(user.id)) throw new Error(`seed: duplicate user "${user.id}"`);
    users.set(user.id, user);
  }

  const groups = new Map<string, SimGroup>();
  const groupOfUser = new Map<string, string>();
  for (const seedGroup of copy.groups) {
    if (groups.has(seedGroup.id)) throw new Error(`seed: duplicate group "${seedGroup.id}"`);
    const group: SimGroup = { ...seedGroup, members: new Map() };
    for (const member of seedGroup.members) {
      if (!users.has(member.user)) throw new Error(`seed: group "${group.id}" lists unknown user "${member.user}"`);
      const previous = groupOfUser.get(member.user);
      if (previous !== undefined) {
        throw new Error(`seed: user "${member.user}" is in groups "${previous}" and "${group.id}"`);
      }
      const unknownRole = member.roles.find((role) => !KNOWN_ROLES.includes(role));
      if (unknownRole !== undefined) throw new Error(`seed: unknown role "${unknownRole}"`);
      groupOfUser.set(member.user, group.id);
      group.members.set(member.user, { roles: member.roles });
    }
    if (countAdmins(group.members) === 0) throw new Error(`seed: group "${group.id}" has no administrator`);
    groups.set(group.id, group);
  }

  const threatProfiles = new Map<string, SimThreatProfile>();
  for (const profile of copy.threatProfiles) {
    if (!users.has(profile.owner)) throw new Error(`seed: threat profile "${profile.id}" has unknown owner`);
    const seen = new Set<string>();
    for (const principal of [...profile.editors, ...profile.viewers]) {
      const key = `${principal.type}:${principal.id}`;
      if (seen.has(key)) throw new Error(`seed: threat profile "${profile.id}" lists ${key} twice`);
      seen.add(key);
      const known = principal.type === 'user' ? users.has(principal.id) : groups.has(principal.id);
      if (!known) throw new Error(`seed: threat profile "${profile.id}" lists unknown ${principal.type} "${principal.id}"`);
    }
    threatProfiles.set(profile.id, profile);
  }

  return { users, groups, threatProfiles, apiUsage: new Map() };
}
