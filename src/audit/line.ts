/**
 * The audit line: its format and its hash.
 *
 * Every line is one JSON object: on stdout first `"log":"vtgw-audit"` (line-sink.ts), then the entry's fields in
 * reading order (time first), `prevHash`, `"chainRestart": true`
 * on the first line written after the log found its previous last line unreadable, and last `hash`. With a replica
 * id, `replica` and `seq` (1, 2, … per replica, across restarts and rotation) come just before `prevHash`, so a
 * merged timeline of several replicas stays ordered per replica and a gap shows. A line L is
 * written as
 *
 *   BODY with its closing "}" replaced by   ,"hash":"<hash>"}
 *
 * where BODY is the JSON object without `hash`, and
 *
 *   hash = lowercase hex SHA-256 of the UTF-8 bytes of   L.prevHash + "\n" + BODY
 *
 * So the hash covers the line's bytes exactly as written: any change to the line (a value, the order of its keys,
 * a space) is seen, and a verifier in any language needs only string operations and SHA-256, no JSON
 * canonicalisation. `prevHash` is the `hash` of the line before, across rotated files; the very first line of a log
 * has GENESIS_HASH (64 zeros).
 */
import { hash } from 'node:crypto';
import fastJson from 'fast-json-stringify';
import type { AuditEntry } from './audit-entry.js';

export const GENESIS_HASH = '0'.repeat(64);

/** Where a chain goes on: the hash of the line before, and whether the next line starts a new chain. */
export interface ChainLink {
  prevHash: string;
  /** The `seq` of the line before, on a log whose lines carry a replica id; absent or 0 before the first. */
  seq?: number;
  /** The line before was unreadable: the next line starts from GENESIS_HASH and says so. */
  chainRestart: boolean;
}

const HASH_PATTERN = /^[0-9a-f]{64}$/;
/** The end of every line (without its newline): the hash member, last. */
const HASH_MEMBER = /,"hash":"([0-9a-f]{64})"}$/;

export function isChainHash(value: unknown): value is string {
  return typeof value === 'string' && HASH_PATTERN.test(value);
}

const text = { type: 'string' } as const;
const textOrNull = { type: ['string', 'null'] } as const;
const numberOrNull = { type: ['number', 'null'] } as const;

/** The members of a line in reading order: time first, then who and what. */
const ENTRY_MEMBERS = {
  time: text,
  requestId: text,
  channel: text,
  clientId: textOrNull,
  clientIp: text,
  operation: textOrNull,
  method: text,
  path: text,
  targets: { type: 'object', additionalProperties: text },
  people: { type: 'array', items: { type: 'object', properties: { username: textOrNull, email: textOrNull }, required: ['username', 'email'] } },
  cut: {
    type: 'object',
    additionalProperties: { type: 'object', properties: { bytes: { type: 'number' }, sha256: text }, required: ['bytes', 'sha256'] },
  },
  outcome: text,
  status: { type: 'number' },
  upstreamStatus: numberOrNull,
  errorCode: textOrNull,
  gatewayCode: text,
  durationMs: { type: 'number' },
  upstreamMs: numberOrNull,
  keyFingerprint: text,
  change: { type: 'object', additionalProperties: true },
  bodySha256: text,
} as const satisfies Record<keyof AuditEntry, unknown>;

/**
 * The entry's fields as one JSON object in reading order, byte for byte what JSON.stringify writes (absent members
 * left out, lone surrogates escaped, so a line always is valid UTF-8 and reads back to what was hashed), compiled
 * once by fast-json-stringify: JSON.stringify of the ordered copy took twice as long on every request.
 */
export const entryJson: (entry: AuditEntry) => string = fastJson({ type: 'object', properties: ENTRY_MEMBERS });

/**
 * The line (newline-terminated) of an entry whose fields are `fields` (from entryJson), chained to `link`, and its
 * hash: the next line's prevHash. The chain fields close the object: `prevHash`, then `chainRestart` only when true.
 */
export function chainLine(fields: string, link: ChainLink, replica?: string): { text: string; hash: string; seq: number } {
  const restart = link.chainRestart ? ',"chainRestart":true' : '';
  const seq = (link.seq ?? 0) + 1;
  const replicaMembers = replica === undefined ? '' : `,"replica":${JSON.stringify(replica)},"seq":${seq}`;
  // The body without its closing brace: the hash takes it closed, the line closes it after the hash member. Slicing
  // the closed body instead (withHash) would copy every line once more.
  const open = `${fields.slice(0, -1)}${replicaMembers},"prevHash":"${link.prevHash}"${restart}`;
  const lineHash = bodyHash(link.prevHash, `${open}}`);
  return { text: closedWithHash(open, lineHash), hash: lineHash, seq };
}

/** The written line (newline-terminated) for a body left open (no closing brace) and its hash: the hash member last. */
function closedWithHash(openBody: string, lineHash: string): string {
  return `${openBody},"hash":"${lineHash}"}\n`;
}

/** The hash of a line whose body (the JSON object without `hash`) is `body`. */
export function bodyHash(prevHash: string, body: string): string {
  return hash('sha256', `${prevHash}\n${body}`, 'hex');
}

/** The written line (newline-terminated) for a body and its hash. */
export function withHash(body: string, lineHash: string): string {
  return closedWithHash(body.slice(0, -1), lineHash);
}

/** A line's body and the hash it states, or null when the line does not end with a hash member. */
export function splitLine(line: string): { body: string; hash: string } | null {
  const member = HASH_MEMBER.exec(line);
  if (member === null) return null;
  return { body: `${line.slice(0, member.index)}}`, hash: member[1] ?? '' };
}

/**
 * The chain fields a line states, each null when absent or malformed; null for text that is not a JSON object.
 * Reading, not checking: verify.ts is what says whether the hash is right.
 */
export function chainFields(text: string): { prevHash: string | null; hash: string | null; time: string | null; seq: number | null } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const { prevHash, hash: lineHash, time, seq } = parsed as Record<string, unknown>;
  return {
    seq: typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null,
    prevHash: isChainHash(prevHash) ? prevHash : null,
    hash: isChainHash(lineHash) ? lineHash : null,
    time: typeof time === 'string' ? time : null,
  };
}
