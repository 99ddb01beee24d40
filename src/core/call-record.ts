import { createHash } from 'node:crypto';
import type { AuditEntry, Channel } from '../audit/audit-entry.js';
import { lineTime } from '../audit/line-time.js';
import { GATEWAY_PREFIX, type Operation } from '../catalog/operation.js';
import type { GatewayError, GatewayErrorCode } from '../errors.js';
import { pathWithoutSecrets } from '../security/secret-shapes.js';
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
  /** The operation prefix the caller used (`/v1`, or `/api/v3` on the alias): links in the answer keep it. */
  prefix: string;
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
  /** The fingerprint of the VirusTotal key the call was sent with, once it was sent. */
  keyFingerprint: string | undefined;
  /** A write's intent line is on the record: from then on the change may have reached VirusTotal. */
  intentRecorded: boolean;
  /** Refused over the anonymous limit after the first refusal of its window: counted in a metric, not written. */
  unrecorded: boolean;
  /** Whether the caller hung up: then nothing is sent to VirusTotal on its behalf. */
  callerGone: () => boolean;
}

const callerStays = (): boolean => false;

// Field by field, not spread: every call record then has the same shape, and making one copies nothing.
export function newCallRecord(fields: {
  requestId: string;
  channel: Channel;
  clientIp: string;
  method: string;
  path: string;
  callerGone?: () => boolean;
  prefix?: string;
}): CallRecord {
  return {
    requestId: fields.requestId,
    channel: fields.channel,
    clientIp: fields.clientIp,
    method: fields.method,
    path: fields.path,
    callerGone: fields.callerGone ?? callerStays,
    prefix: fields.prefix ?? GATEWAY_PREFIX,
    startedAt: performance.now(),
    client: null,
    operation: null,
    params: {},
    change: undefined,
    bodySha256: undefined,
    upstreamStatus: null,
    upstreamMs: null,
    error: null,
    keyFingerprint: undefined,
    intentRecorded: false,
    unrecorded: false,
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
  GW_ERR_NOT_ACCEPTABLE: 'invalid',
  GW_ERR_PRECONDITION_FAILED: 'invalid',
  GW_ERR_RANGE_NOT_SATISFIABLE: 'invalid',
  GW_ERR_RATE_LIMITED: 'limited',
  GW_ERR_CALLER_GONE: 'cancelled',
  GW_ERR_CALLER_TOO_SLOW: 'cancelled',
};

/** One word for the security reader: what became of the call. */
function outcomeOf(call: CallRecord, status: number): AuditEntry['outcome'] {
  if (call.error !== null) return OUTCOME_OF_ERROR[call.error.code] ?? 'failed';
  if (call.upstreamStatus !== null) return call.upstreamStatus < 300 ? 'ok' : 'upstream_error';
  return status < 400 ? 'ok' : 'failed';
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** The line written before a write leaves: who, what and the body's digest, with `outcome: 'intent'`. */
export function auditIntentOf(call: CallRecord): AuditEntry {
  return { ...auditEntryOf(call, 0), outcome: 'intent', upstreamStatus: null, upstreamMs: null };
}

/**
 * Longest value, in UTF-8 bytes, that the line keeps of a field the caller controls before it is authenticated: the
 * path, the client address (X-Forwarded-For from a trusted proxy), and the targets of an unauthenticated call. A longer
 * value keeps its first bytes and is named in `cut` with its length and digest. The `change` and `targets` of an
 * authenticated call are never cut: they are what the security reader needs whole.
 */
export const AUDIT_FIELD_MAX_BYTES = 256;

type Cuts = NonNullable<AuditEntry['cut']>;

/** `value` cut to `AUDIT_FIELD_MAX_BYTES` at a character boundary, noting the whole in `cuts` under `name`. */
function kept(value: string, name: string, cuts: Cuts): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: a short string fits without being measured.
  if (value.length * 3 <= AUDIT_FIELD_MAX_BYTES) return value;
  const bytes = Buffer.byteLength(value);
  if (bytes <= AUDIT_FIELD_MAX_BYTES) return value;
  cuts[name] = { bytes, sha256: createHash('sha256').update(value).digest('hex') };
  let end = 0;
  let used = 0;
  for (const char of value) {
    const size = Buffer.byteLength(char);
    if (used + size > AUDIT_FIELD_MAX_BYTES) break;
    used += size;
    end += char.length;
  }
  return value.slice(0, end);
}

function keptTargets(targets: Record<string, string>, cuts: Cuts): Record<string, string> {
  return Object.fromEntries(Object.entries(targets).map(([name, value]) => [name, kept(value, `targets.${name}`, cuts)]));
}

/** The audit line of a call that was answered with `status`: the same for every channel. */
export function auditEntryOf(call: CallRecord, status: number): AuditEntry {
  const op = call.operation;
  const cuts: Cuts = {};
  const targets = op === null ? {} : op.targets(call.params);
  const entry: AuditEntry = {
    time: lineTime(),
    requestId: call.requestId,
    channel: call.channel,
    clientId: call.client?.id ?? null,
    clientIp: kept(call.clientIp, 'clientIp', cuts),
    operation: op?.name ?? null,
    method: call.method,
    path: kept(pathWithoutSecrets(call.path), 'path', cuts),
    targets: call.client === null ? keptTargets(targets, cuts) : targets,
    outcome: outcomeOf(call, status),
    status,
    upstreamStatus: call.upstreamStatus,
    errorCode: call.error?.vtCode ?? null,
    durationMs: round(performance.now() - call.startedAt),
    upstreamMs: call.upstreamMs === null ? null : round(call.upstreamMs),
  };
  if (call.error !== null) entry.gatewayCode = call.error.code;
  if (Object.keys(cuts).length > 0) entry.cut = cuts;
  if (call.change !== undefined) entry.change = call.change;
  if (call.bodySha256 !== undefined) entry.bodySha256 = call.bodySha256;
  if (call.keyFingerprint !== undefined) entry.keyFingerprint = call.keyFingerprint;
  return entry;
}
