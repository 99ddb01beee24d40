/**
 * The audit log's hash chain.
 *
 * Every line is one JSON object: the entry's fields, `prevHash`, `hash`, and `"chainRestart": true` on the first line
 * written after the log found its previous last line unreadable. For a line L:
 *
 *   hash = lowercase hex SHA-256 of the UTF-8 bytes of   L.prevHash + "\n" + canonicalJson(L without its "hash" key)
 *
 * canonicalJson sorts object keys at every depth and drops all whitespace (RFC 8785 / JCS for parsed JSON), so the
 * hash does not depend on the order in which pino wrote the keys. `prevHash` is the `hash` of the line before,
 * across rotated files; the very first line of a log has GENESIS_HASH (64 zeros).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

export const GENESIS_HASH = '0'.repeat(64);

const HASH_PATTERN = /^[0-9a-f]{64}$/;

export function isChainHash(value: unknown): value is string {
  return typeof value === 'string' && HASH_PATTERN.test(value);
}

/** `line` is everything the written line holds except `hash`, so including `prevHash`. */
export function lineHash(prevHash: string, line: object): string {
  return canonicalTextHash(prevHash, canonicalJson(line));
}

/** The same hash from a line's canonical JSON text, when the writer already has it. */
export function canonicalTextHash(prevHash: string, canonicalText: string): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalText}`, 'utf8').digest('hex');
}
