import { notFound } from './errors.js';
import type { SimGroup, SimulatorState } from './model.js';
import { isAdminMembership, isGroupAdmin } from './membership.js';
import { descriptorOf, graphObject, missingObject, serviceAccountObject } from './related-object-view.js';
import { memberDescriptor, userObject } from './user-view.js';

const GROUP_RELATIONSHIPS = ['administrators', 'users', 'graphs', 'service_accounts'] as const;

/** Descriptors for /groups/{id}/relationships/{name}, full objects for /groups/{id}/{name}. */
export type ListingForm = 'descriptors' | 'objects';

function listMembers(
  state: SimulatorState,
  group: SimGroup,
  userIds: readonly string[],
  viewer: string,
  form: ListingForm,
): unknown[] {
  if (form === 'descriptors') return userIds.map((userId) => memberDescriptor(state, group, userId, viewer));
  return userIds.map((userId) => {
    const user = state.users.get(userId);
    return user === undefined ? missingObject('user', userId) : userObject(state, user, viewer);
  });
}

export function listGroupRelationship(
  state: SimulatorState,
  group: SimGroup,
  relationship: string,
  viewer: string,
  form: ListingForm,
): unknown[] {
  switch (relationship) {
    case 'users':
      return listMembers(state, group, [...group.members.keys()], viewer, form);
    case 'administrators': {
      const admins = [...group.members].filter(([, membership]) => isAdminMembership(membership));
      return listMembers(state, group, admins.map(([userId]) => userId), viewer, form);
    }
    case 'graphs': {
      const graphs = group.graphs.map(graphObject);
      return form === 'objects' ? graphs : graphs.map(descriptorOf);
    }
    case 'service_accounts': {
      const admin = isGroupAdmin(group, viewer);
      const accounts = group.service_accounts.map((account) => serviceAccountObject(account, admin));
      return form === 'objects' ? accounts : accounts.map(descriptorOf);
    }
    default:
      throw notFound(`Relationship "${relationship}" not found for groups; known: ${GROUP_RELATIONSHIPS.join(', ')}`);
  }
}
