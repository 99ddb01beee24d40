import type { AuditEntry } from './audit-entry.js';
import { canonicalJson } from './canonical-json.js';

/** A line holds the entry's fields, then `prevHash` and, on the first line of a restarted chain, `chainRestart`. */
type LineKey = keyof AuditEntry | 'prevHash' | 'chainRestart';

/**
 * The two serialisations of one audit line, both by the native JSON.stringify (no second formatter, no hand-written
 * serialiser on the hot path):
 *
 * - `hashed`: the canonical JSON that chain-hash.ts defines the hash over: keys sorted at every depth, no whitespace.
 *   The object below lists its keys in sorted order and the nested objects are key-sorted copies, so JSON.stringify
 *   writes exactly canonicalJson's output (a property test holds the two together).
 * - `written`: the same fields in reading order (time first), with `hash` last, newline-terminated.
 *
 * JSON.stringify escapes lone surrogates, so a line always is valid UTF-8 and reads back to the string that was hashed.
 */
export function lineTexts(entry: AuditEntry, prevHash: string, chainRestart: boolean): { hashed: string; written: (hash: string) => string } {
  const restart = chainRestart ? true : undefined;
  const seen = { integerKey: false };
  const hashedFields = {
    bodySha256: entry.bodySha256,
    chainRestart: restart,
    change: entry.change === undefined ? undefined : sortedKeys(entry.change, seen),
    channel: entry.channel,
    clientId: entry.clientId,
    clientIp: entry.clientIp,
    durationMs: entry.durationMs,
    errorCode: entry.errorCode,
    method: entry.method,
    operation: entry.operation,
    outcome: entry.outcome,
    path: entry.path,
    prevHash,
    requestId: entry.requestId,
    status: entry.status,
    targets: sortedKeys(entry.targets, seen),
    time: entry.time,
    upstreamMs: entry.upstreamMs,
    upstreamStatus: entry.upstreamStatus,
  } satisfies Record<LineKey, unknown>;
  // JavaScript keeps integer-like keys ("7") ahead of the others whatever the insertion order; the entries' own
  // objects never have them, but the log takes any content, so such a line is hashed by the slower serialiser.
  const hashed = seen.integerKey ? canonicalJson(hashedFields) : JSON.stringify(hashedFields);
  const reading = JSON.stringify({
    time: entry.time,
    requestId: entry.requestId,
    channel: entry.channel,
    clientId: entry.clientId,
    clientIp: entry.clientIp,
    operation: entry.operation,
    method: entry.method,
    path: entry.path,
    targets: entry.targets,
    outcome: entry.outcome,
    status: entry.status,
    upstreamStatus: entry.upstreamStatus,
    errorCode: entry.errorCode,
    durationMs: entry.durationMs,
    upstreamMs: entry.upstreamMs,
    change: entry.change,
    bodySha256: entry.bodySha256,
    prevHash,
    chainRestart: restart,
  } satisfies Record<LineKey, unknown>);
  return { hashed, written: (hash) => `${reading.slice(0, -1)},"hash":"${hash}"}\n` };
}

const INTEGER_KEY = /^(?:0|[1-9][0-9]*)$/;

/**
 * Plain JSON data with object keys in sorted order at every depth (arrays keep their order): the value itself when
 * it already is (the common case, nothing allocated), else a sorted copy.
 */
function sortedKeys(value: unknown, seen: { integerKey: boolean }): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const sorted = sortedKeys(item, seen);
      if (sorted !== item) (copy ??= [...value])[i] = sorted;
    }
    return copy ?? value;
  }
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source);
  let changed = false;
  const values = keys.map((key, i) => {
    if (INTEGER_KEY.test(key)) seen.integerKey = true;
    if (i > 0 && keys[i - 1]! > key) changed = true;
    const item = source[key];
    const sorted = sortedKeys(item, seen);
    if (sorted !== item) changed = true;
    return sorted;
  });
  if (!changed) return source;
  const byKey = new Map(keys.map((key, i) => [key, values[i]]));
  const sorted: Record<string, unknown> = {};
  // defineProperty, not assignment: a key named "__proto__" must stay a key.
  for (const key of keys.sort()) Object.defineProperty(sorted, key, { value: byKey.get(key), enumerable: true });
  return sorted;
}
