import { forbidden } from './errors.js';
import type { SimGroup } from './model.js';
import { isGroupAdmin, isGroupMember } from './membership.js';

/** Reads on a group and its relationships are for its members. */
export function requireMember(group: SimGroup, caller: string): void {
  if (!isGroupMember(group, caller)) throw forbidden();
}

/** Writes on a group and its membership are for its administrators. */
export function requireAdmin(group: SimGroup, caller: string): void {
  if (!isGroupAdmin(group, caller)) throw forbidden();
}
