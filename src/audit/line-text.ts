import type { AuditEntry } from './audit-entry.js';

/** A line holds the entry's fields, then `prevHash` and, on the first line of a restarted chain, `chainRestart`. */
type LineKey = keyof AuditEntry | 'prevHash' | 'chainRestart';

/**
 * The body of an entry's line (see chain-hash.ts): one JSON object in reading order, time first, the chain fields
 * last. JSON.stringify escapes lone surrogates, so a line always is valid UTF-8 and reads back to what was hashed.
 */
export function lineBody(entry: AuditEntry, prevHash: string, chainRestart: boolean): string {
  return JSON.stringify({
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
    gatewayCode: entry.gatewayCode,
    durationMs: entry.durationMs,
    upstreamMs: entry.upstreamMs,
    change: entry.change,
    bodySha256: entry.bodySha256,
    prevHash,
    chainRestart: chainRestart ? true : undefined,
  } satisfies Record<LineKey, unknown>);
}
