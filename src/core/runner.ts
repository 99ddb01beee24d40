import { hash } from 'node:crypto';
import { authorize } from '../access/authorize.js';
import type { RateLimits } from '../access/rate-limits.js';
import type { Operation, ValidatedInput } from '../catalog/operation.js';
import { GatewayError } from '../errors.js';
import type { UpstreamClient, UpstreamResponse } from '../upstream/client.js';
import type { CallRecord } from './call-record.js';

export type OperationRunner = (call: CallRecord, op: Operation, input: ValidatedInput) => Promise<UpstreamResponse>;

/**
 * What every channel does once an operation's input is schema-valid: the rules schemas cannot say, authorization,
 * the organisation-wide upstream budget, then the call to VirusTotal. The call record learns the change, the body's
 * digest and VirusTotal's status as they become known.
 */
export function createRunner(upstream: UpstreamClient, limits: RateLimits): OperationRunner {
  return async (call, op, input) => {
    call.operation = op;
    call.params = input.params;
    const prepared = op.prepare(input);
    call.change = prepared.change;
    const body = op.body === undefined ? undefined : JSON.stringify(input.body);
    if (body !== undefined) call.bodySha256 = hash('sha256', body, 'hex');
    if (prepared.problem !== undefined) throw new GatewayError('GW_ERR_INVALID_ARGUMENT', prepared.problem);
    if (call.client === null) throw new GatewayError('GW_ERR_AUTH_REQUIRED', 'Not authenticated');
    authorize(op, input, prepared, call.client);
    const budget = limits.upstream();
    if (budget instanceof Promise) await budget;
    if (call.callerGone()) throw new GatewayError('GW_ERR_CALLER_GONE', 'The caller hung up before its request was sent to VirusTotal');
    const started = performance.now();
    const response = await upstream.request({ method: op.method, path: op.upstreamRequestPath(input), body, requestId: call.requestId });
    call.upstreamMs = performance.now() - started;
    call.upstreamStatus = response.statusCode;
    return response;
  };
}
