import type { SimGroup } from './model.js';
import { isGroupAdmin, isGroupMember } from './membership.js';
import { apiUrl } from './links.js';

export interface GroupObject {
  type: 'group';
  id: string;
  links: { self: string };
  attributes: Record<string, unknown>;
}

/**
 * The group as `viewer` may see it: members see every attribute but `auto_add_users`, which is
 * for administrators; anyone else sees only the organization names.
 */
export function groupObject(group: SimGroup, viewer: string): GroupObject {
  const { auto_add_users: autoAddUsers, ...memberAttributes } = structuredClone(group.attributes);
  let attributes: Record<string, unknown>;
  if (isGroupAdmin(group, viewer)) {
    attributes = { ...memberAttributes, auto_add_users: autoAddUsers };
  } else if (isGroupMember(group, viewer)) {
    attributes = memberAttributes;
  } else {
    attributes = {
      organization: memberAttributes.organization,
      organization_legal_name: memberAttributes.organization_legal_name,
    };
  }
  return { type: 'group', id: group.id, links: { self: apiUrl('groups', group.id) }, attributes };
}
