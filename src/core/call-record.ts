import type { AuditEntry, Channel } from '../audit/audit-entry.js';
import type { Operation } from '../catalog/operation.js';
import type { GatewayError, GatewayErrorCode } from '../errors.js';
import type { Client } from '../security/client.js';

/** What one call is, on any channel: filled in as it goes, turned into its audit line when it ends. */
export interface CallRecord {
  readonly requestId: string;
  readonly channel: Channel;
  readonly clientIp: string;
  /** performance.now() when the call began. */
  readonly startedAt: number;
  method: string;
  /** The gateway path asked for, without the query string. */
  path: string;
  client: Client | null;
  operation: Operation | null;
  /** The path parameters as sent (valid or not), so that the audit line names what was asked for. */
  params: Readonly<Record<string, unknown>>;
  change: Record<string, unknown> | undefined;
  /** SHA-256 hex of the body as sent to VirusTotal. */
  bodySha256: string | undefined;
  upstreamStatus: number | null;
  upstreamMs: number | null;
  error: GatewayError | null;
  /** Whether the caller hung up: then nothing is sent to VirusTotal on its behalf. */
  callerGone: () => boolean;
}

export function newCallRecord(fields: {
  requestId: string;
  channel: Channel;
  clientIp: string;
  method: string;
  path: string;
  callerGone?: () => boolean;
}): CallRecord {
  return {
    callerGone: () => false,
    ...fields,
    startedAt: performance.now(),
    client: null,
    operation: null,
    params: {},
    change: undefined,
    bodySha256: undefined,
    upstreamStatus: null,
    upstreamMs: null,
    error: null,
  };
}

const OUTCOME_OF_ERROR: Partial<Record<GatewayErrorCode, AuditEntry['outcome']>> = {
  GW_ERR_AUTH_REQUIRED: 'unauthenticated',
  GW_ERR_WRONG_CREDENTIALS: 'unauthenticated',
  GW_ERR_FORBIDDEN: 'denied',
  GW_ERR_BAD_REQUEST: 'invalid',
  GW_ERR_INVALID_ARGUMENT: 'invalid',
  GW_ERR_NOT_FOUND: 'invalid',
  GW_ERR_METHOD_NOT_ALLOWED: 'invalid',
  GW_ERR_RATE_LIMITED: 'limited',
  GW_ERR_CALLER_GONE: 'cancelled',
};

/** One word for the security reader: what became of the call. */
function outcomeOf(call: CallRecord, status: number): AuditEntry['outcome'] {
  if (call.error !== null) return OUTCOME_OF_ERROR[call.error.code] ?? 'failed';
  if (call.upstreamStatus !== null) return call.upstreamStatus < 300 ? 'ok' : 'upstream_error';
  return status < 400 ? 'ok' : 'failed';
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** The audit line of a call that was answered with `status`: the same for every channel. */
export function auditEntryOf(call: CallRecord, status: number): AuditEntry {
  const op = call.operation;
  const entry: AuditEntry = {
    time: new Date().toISOString(),
    requestId: call.requestId,
    channel: call.channel,
    clientId: call.client?.id ?? null,
    clientIp: call.clientIp,
    operation: op?.name ?? null,
    method: call.method,
    path: call.path,
    targets: op === null ? {} : op.targets(call.params),
    outcome: outcomeOf(call, status),
    status,
    upstreamStatus: call.upstreamStatus,
    errorCode: call.error?.vtCode ?? null,
    durationMs: round(performance.now() - call.startedAt),
    upstreamMs: call.upstreamMs === null ? null : round(call.upstreamMs),
  };
  if (call.error !== null) entry.gatewayCode = call.error.code;
  if (call.change !== undefined) entry.change = call.change;
  if (call.bodySha256 !== undefined) entry.bodySha256 = call.bodySha256;
  return entry;
}
