/**
 * The audit log's hash chain.
 *
 * Every line is one JSON object: the entry's fields, `prevHash`, `"chainRestart": true` on the first line written
 * after the log found its previous last line unreadable, and last `hash`. A line L is written as
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

export const GENESIS_HASH = '0'.repeat(64);

const HASH_PATTERN = /^[0-9a-f]{64}$/;
/** The end of every line (without its newline): the hash member, last. */
const HASH_MEMBER = /,"hash":"([0-9a-f]{64})"}$/;

export function isChainHash(value: unknown): value is string {
  return typeof value === 'string' && HASH_PATTERN.test(value);
}

/** The hash of a line whose body (the JSON object without `hash`) is `body`. */
export function bodyHash(prevHash: string, body: string): string {
  return hash('sha256', `${prevHash}\n${body}`, 'hex');
}

/** The written line (newline-terminated) for a body and its hash. */
export function withHash(body: string, lineHash: string): string {
  return `${body.slice(0, -1)},"hash":"${lineHash}"}\n`;
}

/** A line's body and the hash it states, or null when the line does not end with a hash member. */
export function splitLine(line: string): { body: string; hash: string } | null {
  const member = HASH_MEMBER.exec(line);
  if (member === null) return null;
  return { body: `${line.slice(0, member.index)}}`, hash: member[1] ?? '' };
}
