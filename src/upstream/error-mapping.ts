import undiciErrors from 'undici/lib/core/errors.js';
import { GatewayError } from '../errors.js';

/** Turns a failure before VirusTotal's response headers arrived into the gateway's own error. */
export function upstreamFailure(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof undiciErrors.HeadersTimeoutError) {
    return new GatewayError('GW_ERR_UPSTREAM_TIMEOUT', 'VirusTotal did not answer in time');
  }
  if (err instanceof undiciErrors.ConnectTimeoutError) {
    return new GatewayError('GW_ERR_UPSTREAM_UNREACHABLE', 'VirusTotal could not be reached (connect timeout)');
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = typeof code === 'string' ? code : 'connection failed';
  return new GatewayError('GW_ERR_UPSTREAM_UNREACHABLE', `VirusTotal could not be reached (${reason})`);
}

/**
 * Turns a failure while VirusTotal's body was streaming into the gateway's own error, naming the status it had
 * answered when known: a write answered 2xx before its body broke off may well have been applied.
 */
export function bodyFailure(err: unknown, statusCode?: number): GatewayError {
  const answered = statusCode === undefined ? '' : ` (VirusTotal had answered ${statusCode})`;
  if (err instanceof undiciErrors.BodyTimeoutError) {
    return new GatewayError('GW_ERR_UPSTREAM_TIMEOUT', `VirusTotal's response body stalled${answered}`);
  }
  return new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', `VirusTotal's response broke off mid-body${answered}`);
}
