import { badRequest } from '../errors.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The simulator receives every body as text (see index.ts) and parses JSON here, per route. */
export function parseJsonBody(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw.trim() === '') throw badRequest('A JSON request body is required');
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw badRequest('Malformed JSON in request body');
  }
}

/** `{"data": [ ... ]}` with at least one entry. */
export function readDataList(raw: unknown): unknown[] {
  const body = parseJsonBody(raw);
  if (!isRecord(body) || !Array.isArray(body['data'])) {
    throw badRequest('Expected a body of the form {"data": [...]}');
  }
  if (body['data'].length === 0) throw badRequest('"data" must list at least one object');
  return body['data'];
}

export function readDescriptor(entry: unknown, allowedTypes: readonly string[]): { type: string; id: string; entry: Record<string, unknown> } {
  const expected = allowedTypes.map((type) => `"${type}"`).join(' or ');
  if (!isRecord(entry)) throw badRequest(`Each entry in "data" must be an object of type ${expected}`);
  const { type, id } = entry;
  if (typeof type !== 'string' || !allowedTypes.includes(type)) {
    throw badRequest(`Each entry in "data" must have "type" ${expected}`);
  }
  if (typeof id !== 'string' || id === '') throw badRequest('Each entry in "data" must have a non-empty string "id"');
  return { type, id, entry };
}
