import { errors as undiciErrors } from 'undici';
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
