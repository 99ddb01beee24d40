import type { AuditEntry } from '../audit/audit-entry.js';
import type { GatewayError, GatewayErrorCode } from '../errors.js';

const OUTCOME_OF_ERROR: Partial<Record<GatewayErrorCode, AuditEntry['outcome']>> = {
  GW_ERR_AUTH_REQUIRED: 'unauthenticated',
  GW_ERR_WRONG_CREDENTIALS: 'unauthenticated',
  GW_ERR_FORBIDDEN: 'denied',
  GW_ERR_BAD_REQUEST: 'invalid',
  GW_ERR_INVALID_ARGUMENT: 'invalid',
  GW_ERR_NOT_FOUND: 'invalid',
  GW_ERR_RATE_LIMITED: 'limited',
};

/** One word for the security reader: what became of the request. */
export function auditOutcome(status: number, error: GatewayError | null, upstreamStatus: number | null): AuditEntry['outcome'] {
  if (error !== null) return OUTCOME_OF_ERROR[error.code] ?? 'failed';
  if (upstreamStatus !== null) return upstreamStatus < 300 ? 'ok' : 'upstream_error';
  return status < 400 ? 'ok' : 'failed';
}
