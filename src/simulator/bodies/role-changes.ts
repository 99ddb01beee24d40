import { badRequest, invalidArgument } from '../errors.js';
import { KNOWN_ROLES } from '../membership.js';
import { isRecord, readDataList, readDescriptor } from './json-body.js';

/** One entry of PATCH /groups/{id}/relationships/users (users are named by username here). */
export interface RoleChange {
  userId: string;
  /** replaces every role the user holds */
  roles?: string[];
  addRoles?: string[];
  removeRoles?: string[];
  dailyAllowance?: number;
}

const CONTEXT_KEYS = ['roles', 'add_roles', 'remove_roles', 'quota_limits'];

function readRoleList(value: unknown, key: string): string[] {
  if (!Array.isArray(value) || !value.every((role): role is string => typeof role === 'string')) {
    throw badRequest(`"${key}" must be a list of role names`);
  }
  const unknownRole = value.find((role) => !KNOWN_ROLES.includes(role));
  if (unknownRole !== undefined) {
    throw invalidArgument(`Unknown role "${unknownRole}"; known roles are ${KNOWN_ROLES.join(', ')}`);
  }
  return [...value];
}

function readDailyAllowance(value: unknown): number {
  if (!isRecord(value)) throw badRequest('"quota_limits" must be an object');
  const unsupported = Object.keys(value).find((name) => name !== 'api_requests_daily');
  if (unsupported !== undefined) {
    throw invalidArgument(`Quota "${unsupported}" cannot be limited; only "api_requests_daily" can`);
  }
  const daily = value['api_requests_daily'];
  const allowed = isRecord(daily) ? daily['allowed'] : undefined;
  if (typeof allowed !== 'number' || !Number.isSafeInteger(allowed) || allowed < 0) {
    throw invalidArgument('"quota_limits.api_requests_daily.allowed" must be a non-negative integer');
  }
  return allowed;
}

function readRoleChange(entry: unknown): RoleChange {
  const descriptor = readDescriptor(entry, ['user']);
  const context = descriptor.entry['context_attributes'];
  if (!isRecord(context)) throw badRequest(`Entry "${descriptor.id}" needs an object "context_attributes"`);
  const keys = Object.keys(context);
  const unknownKey = keys.find((key) => !CONTEXT_KEYS.includes(key));
  if (unknownKey !== undefined) throw badRequest(`Unknown context attribute "${unknownKey}"`);
  if (keys.length === 0) throw badRequest(`Entry "${descriptor.id}" has an empty "context_attributes"`);

  const change: RoleChange = { userId: descriptor.id };
  if ('roles' in context) change.roles = readRoleList(context['roles'], 'roles');
  if ('add_roles' in context) change.addRoles = readRoleList(context['add_roles'], 'add_roles');
  if ('remove_roles' in context) change.removeRoles = readRoleList(context['remove_roles'], 'remove_roles');
  if ('quota_limits' in context) change.dailyAllowance = readDailyAllowance(context['quota_limits']);
  return change;
}

export function parseRoleChanges(raw: unknown): RoleChange[] {
  return readDataList(raw).map(readRoleChange);
}
