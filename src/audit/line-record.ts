import type { AuditEntry } from './audit-entry.js';

const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The hashed part of a written line: the entry's fields, then `prevHash` (and `chainRestart`).
 *
 * Lone surrogates in top-level strings become U+FFFD: pino copies short top-level strings into the line unescaped,
 * and UTF-8 cannot carry a lone surrogate, so the line read back would no longer match its hash. Nested values need
 * nothing: pino writes them with JSON.stringify, which escapes lone surrogates.
 */
export function lineRecord(entry: AuditEntry, prevHash: string, chainRestart: boolean): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    record[key] = typeof value === 'string' && SURROGATE.test(value) ? value.replace(LONE_SURROGATE, '\ufffd') : value;
  }
  record.prevHash = prevHash;
  if (chainRestart) record.chainRestart = true;
  return record;
}
