import type { SimGroup } from './model.js';
import { isGroupAdmin, isGroupMember } from './membership.js';
import { apiUrl } from './links.js';

interface GroupObject {
  type: 'group';
  id: string;
  links: { self: string };
  attributes: Record<string, unknown>;
}

function visibleAttributes(group: SimGroup, viewer: string): Record<string, unknown> {
  const { organization, organization_legal_name: legalName } = group.attributes;
  if (!isGroupMember(group, viewer)) return { organization, organization_legal_name: legalName };
  const attributes: Record<string, unknown> = { ...structuredClone(group.attributes) };
  if (!isGroupAdmin(group, viewer)) delete attributes['auto_add_users'];
  return attributes;
}

/**
 * The group as `viewer` may see it: members see every attribute but `auto_add_users`, which is for
 * administrators; anyone else (in a threat-profile listing) sees only the organization names.
 */
export function groupObject(group: SimGroup, viewer: string): GroupObject {
  return { type: 'group', id: group.id, links: { self: apiUrl('groups', group.id) }, attributes: visibleAttributes(group, viewer) };
}
