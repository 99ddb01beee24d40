import { Type, type Static } from '@sinclair/typebox';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import { scopes } from '../catalog/operation.js';
import type { ClientRecord, TokenRecord } from './client.js';

// Every schema below carries `problem`, an option of this module's own: what to tell the operator when a value
// fails that schema. `{value}` is replaced by the offending value; the token digest's message never shows it.
const clientIdPattern = '^[a-z0-9][a-z0-9._-]{0,63}$';
const maxPerMinute = 1_000_000;

const ClientId = Type.String({ pattern: clientIdPattern, problem: `must match ${clientIdPattern}, got {value}` });
const TokenSha256 = Type.String({
  pattern: '^[0-9a-fA-F]{64}$',
  problem: 'must be the SHA-256 of the token as 64 hex characters',
});
const TokenEntry = Type.Object(
  {
    sha256: TokenSha256,
    notAfter: Type.Optional(
      Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$', problem: 'must be a UTC time like 2026-12-31T23:59:59Z, got {value}' }),
    ),
  },
  { additionalProperties: false, problem: 'must be an object {"sha256": ..., "notAfter"?: ...}' },
);
const ScopeName = Type.Union(
  scopes.map((scope) => Type.Literal(scope)),
  { problem: `unknown scope {value} (known: ${scopes.join(', ')})` },
);
const AllowlistName = Type.String({
  pattern: '^\\S{1,256}$',
  problem: 'must be "*" or a name of 1 to 256 characters without spaces, got {value}',
});
const Allowlist = Type.Array(AllowlistName, { uniqueItems: true, problem: 'must be a list of names, or ["*"] for all' });
const PerMinute = Type.Integer({ minimum: 1, maximum: maxPerMinute, problem: `must be a whole number from 1 to ${maxPerMinute}` });

/** One entry of the clients file. */
export const ClientEntry = Type.Object(
  {
    id: ClientId,
    tokenSha256: Type.Optional(TokenSha256),
    tokens: Type.Optional(Type.Array(TokenEntry, { minItems: 1, problem: 'must be a non-empty list of {"sha256", "notAfter"?}' })),
    oidcSubject: Type.Optional(
      Type.String({ pattern: '^[\\x21-\\x7e]{1,256}$', problem: 'must be 1 to 256 printable characters without spaces, got {value}' }),
    ),
    scopes: Type.Array(ScopeName, { uniqueItems: true, problem: 'must be a list of scopes' }),
    groups: Allowlist,
    threatProfiles: Allowlist,
    rateLimit: Type.Optional(
      Type.Object(
        { readsPerMinute: Type.Optional(PerMinute), writesPerMinute: Type.Optional(PerMinute) },
        { additionalProperties: false, problem: 'must be an object' },
      ),
    ),
  },
  { additionalProperties: false, problem: 'must be an object' },
);
export type ClientEntry = Static<typeof ClientEntry>;

// Entries are checked one by one afterwards, so that a problem is reported against the entry that has it.
const ClientsFile = Type.Object(
  { clients: Type.Array(Type.Unknown(), { problem: 'must be a list' }) },
  { additionalProperties: false, problem: 'must be a JSON object {"clients": [...]}' },
);

/** What is wrong with an entry: `field` in display form (`scopes[1]`, `rateLimit.readsPerMinute`), empty for the entry itself. */
export interface EntryProblem {
  field: string;
  problem: string;
}

export type ClientsFileResult = { ok: true; clients: ClientRecord[] } | { ok: false; error: string };

/** Parses and validates the clients file's text. The error is one line naming the entry and the field. */
export function parseClientsFile(text: string): ClientsFileResult {
  const json = text.replace(/^\uFEFF/, '');
  let file: unknown;
  try {
    file = JSON.parse(json);
  } catch (err) {
    return { ok: false, error: `not valid JSON${jsonErrorPlace(json, err)}` };
  }
  const fileError = firstProblem(ClientsFile, file);
  if (fileError !== undefined) return { ok: false, error: joinParts(fileError.field, fileError.problem) };

  const entries = (file as { clients: unknown[] }).clients;
  const clients: ClientRecord[] = [];
  const indexById = new Map<string, number>();
  const indexByDigest = new Map<string, number>();
  const indexBySubject = new Map<string, number>();
  for (const [index, entry] of entries.entries()) {
    const label = entryLabel(index, entry);
    const problem = checkClientEntry(entry);
    if (problem !== undefined) return { ok: false, error: joinParts(label, problem.field, problem.problem) };

    const client = toClient(entry as ClientEntry);
    const sameId = indexById.get(client.id);
    if (sameId !== undefined) return { ok: false, error: joinParts(label, 'id', `duplicate of clients[${sameId}]`) };
    const digests: [string, string][] = [
      ...(client.tokenSha256 === undefined ? [] : [['tokenSha256', client.tokenSha256] as [string, string]]),
      ...(client.tokens ?? []).map((token, n): [string, string] => [`tokens[${n}]`, token.sha256]),
    ];
    const seenHere = new Set<string>();
    for (const [field, digest] of digests) {
      const sameDigest = seenHere.has(digest) ? index : indexByDigest.get(digest);
      seenHere.add(digest);
      if (sameDigest === undefined) continue;
      const other = sameDigest === index ? 'another token of this entry' : `clients[${sameDigest}] (${clients[sameDigest]?.id ?? ''})`;
      return { ok: false, error: joinParts(label, field, `same token as ${other}`) };
    }
    const sameSubject = client.oidcSubject === undefined ? undefined : indexBySubject.get(client.oidcSubject);
    if (sameSubject !== undefined) return { ok: false, error: joinParts(label, 'oidcSubject', `duplicate of clients[${sameSubject}]`) };
    indexById.set(client.id, index);
    for (const [, digest] of digests) indexByDigest.set(digest, index);
    if (client.oidcSubject !== undefined) indexBySubject.set(client.oidcSubject, index);
    clients.push(client);
  }
  return { ok: true, clients };
}

/** The first thing wrong with one clients-file entry, or undefined when it is valid. */
export function checkClientEntry(entry: unknown): EntryProblem | undefined {
  const problem = firstProblem(ClientEntry, entry);
  if (problem !== undefined) return problem;
  const valid = entry as ClientEntry;
  for (const [n, token] of (valid.tokens ?? []).entries()) {
    if (token.notAfter !== undefined && Number.isNaN(Date.parse(token.notAfter))) return { field: `tokens[${n}].notAfter`, problem: 'is no real time' };
  }
  for (const field of ['groups', 'threatProfiles'] as const) {
    if (valid[field].includes('*') && valid[field].length > 1) return { field, problem: '"*" must be the only entry' };
  }
  return undefined;
}

function toClient(entry: ClientEntry): ClientRecord {
  const tokens: TokenRecord[] = (entry.tokens ?? []).map(({ sha256, notAfter }) => ({
    sha256: sha256.toLowerCase(),
    ...(notAfter === undefined ? {} : { notAfter: Date.parse(notAfter) }),
  }));
  return {
    id: entry.id,
    ...(entry.tokenSha256 === undefined ? {} : { tokenSha256: entry.tokenSha256.toLowerCase() }),
    ...(tokens.length === 0 ? {} : { tokens }),
    ...(entry.oidcSubject === undefined ? {} : { oidcSubject: entry.oidcSubject }),
    scopes: new Set(entry.scopes),
    groups: allowlist(entry.groups),
    threatProfiles: allowlist(entry.threatProfiles),
    ...(entry.rateLimit === undefined ? {} : { rateLimit: { ...entry.rateLimit } }),
  };
}

function allowlist(names: string[]): ReadonlySet<string> | 'all' {
  return names.includes('*') ? 'all' : new Set(names);
}

function firstProblem(schema: typeof ClientEntry | typeof ClientsFile, value: unknown): EntryProblem | undefined {
  const error = Value.Errors(schema, value).First();
  return error === undefined ? undefined : { field: displayPath(error.path), problem: describe(error) };
}

function describe(error: ValueError): string {
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'missing';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'unknown field';
    case ValueErrorType.ArrayUniqueItems:
      return 'lists the same value twice';
    default: {
      const problem: unknown = error.schema['problem'];
      return typeof problem === 'string' ? problem.replace('{value}', preview(error.value)) : error.message;
    }
  }
}

/** `/rateLimit/readsPerMinute` -> `rateLimit.readsPerMinute`, `/scopes/1` -> `scopes[1]`. */
function displayPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${preview(segment)}]`;
  }
  return path;
}

/** A short, single-line rendering of a value from the file (JSON escapes any line breaks). */
function preview(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}

function entryLabel(index: number, entry: unknown): string {
  const id: unknown = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;
  const named = typeof id === 'string' && new RegExp(clientIdPattern).test(id);
  return named ? `clients[${index}] (${id})` : `clients[${index}]`;
}

function joinParts(...parts: string[]): string {
  return parts.filter((part) => part !== '').join(': ');
}

// JSON.parse's own message can quote the text around the error, which may be a token digest; only say where.
function jsonErrorPlace(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  if (/Unexpected end of JSON input/.test(message)) return ' (it ends early)';
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined) return '';
  const before = text.slice(0, Number(position)).split('\n');
  return ` (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}
