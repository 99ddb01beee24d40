import { badRequest, invalidArgument } from '../errors.js';
import type { GroupAttributes } from '../model.js';
import { isRecord, parseJsonBody } from './json-body.js';
import { isEmail } from './user-emails.js';

const TEXT_ATTRIBUTES = [
  'country',
  'country_iso',
  'domain_name',
  'industry',
  'organization',
  'organization_legal_name',
] as const;
const TEXT_LIST_ATTRIBUTES = ['auto_add_users', 'contact_emails'] as const;
const READ_ONLY_ATTRIBUTES = ['quotas', 'privileges', 'quota_usage_by_user', 'agreement_signed_date'];

type TextAttribute = (typeof TEXT_ATTRIBUTES)[number];
type TextListAttribute = (typeof TEXT_LIST_ATTRIBUTES)[number];
type GroupAttributePatch = Partial<Pick<GroupAttributes, TextAttribute | TextListAttribute | 'preferences'>>;

function isOneOf<T extends string>(names: readonly T[], key: string): key is T {
  return (names as readonly string[]).includes(key);
}

function readTextList(key: TextListAttribute, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw invalidArgument(`Attribute "${key}" must be a list of strings`);
  }
  if (key === 'contact_emails') {
    const invalid = value.find((email) => !isEmail(email));
    if (invalid !== undefined) throw invalidArgument(`Invalid email address: "${invalid}"`);
  }
  return [...value];
}

function readPreferences(value: unknown): Record<string, Record<string, unknown>> {
  if (!isRecord(value) || !Object.values(value).every(isRecord)) {
    throw invalidArgument('Attribute "preferences" must be an object of objects');
  }
  return structuredClone(value as Record<string, Record<string, unknown>>);
}

/**
 * Validates the body of PATCH /groups/{id} and returns the attributes to overwrite.
 * Nothing is applied here, so a body with one bad attribute changes nothing.
 */
export function parseGroupPatch(raw: unknown, groupId: string): GroupAttributePatch {
  const body = parseJsonBody(raw);
  const data = isRecord(body) ? body['data'] : undefined;
  if (!isRecord(data)) {
    throw badRequest('Expected a body of the form {"data": {"type": "group", "attributes": {...}}}');
  }
  if (data['type'] !== 'group') throw badRequest('"data.type" must be "group"');
  if ('id' in data && data['id'] !== groupId) {
    throw badRequest(`"data.id" does not match the group in the URL ("${groupId}")`);
  }
  // vt-go omits "attributes" when nothing changed; vt-py sends {}.
  const attributes = data['attributes'] ?? {};
  if (!isRecord(attributes)) throw badRequest('"data.attributes" must be an object');

  const patch: GroupAttributePatch = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (READ_ONLY_ATTRIBUTES.includes(key)) throw badRequest(`Attribute "${key}" is read-only`);
    if (isOneOf(TEXT_ATTRIBUTES, key)) {
      if (typeof value !== 'string') throw invalidArgument(`Attribute "${key}" must be a string`);
      patch[key] = value;
    } else if (isOneOf(TEXT_LIST_ATTRIBUTES, key)) {
      patch[key] = readTextList(key, value);
    } else if (key === 'preferences') {
      patch.preferences = readPreferences(value);
    } else {
      throw badRequest(`Unknown attribute "${key}"`);
    }
  }
  return patch;
}
