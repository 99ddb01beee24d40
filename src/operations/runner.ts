import { authorize } from '../access/authorize.js';
import type { RateLimits } from '../access/rate-limits.js';
import type { Operation, ValidatedInput } from '../catalog/operation.js';
import { GatewayError } from '../errors.js';
import type { Client } from '../security/client.js';
import type { UpstreamClient, UpstreamResponse } from '../upstream/client.js';
import { compileUpstreamPath } from './upstream-path.js';

export interface RunContext {
  client: Client;
  requestId: string;
}

export interface RunResult extends UpstreamResponse {
  upstreamMs: number;
}

export type OperationRunner = (op: Operation, input: ValidatedInput, ctx: RunContext) => Promise<RunResult>;

/**
 * What every channel (REST, MCP) does once an operation's input is schema-valid: the rules schemas cannot say,
 * authorization, the organisation-wide upstream budget, then the call to VirusTotal.
 */
export function createRunner(operations: readonly Operation[], upstream: UpstreamClient, limits: RateLimits): OperationRunner {
  const paths = new Map(operations.map((op) => [op, compileUpstreamPath(op)]));
  return async (op, input, ctx) => {
    const problem = op.check?.(input);
    if (problem !== undefined) throw new GatewayError('GW_ERR_INVALID_ARGUMENT', problem);
    authorize(op, input, ctx.client);
    const path = paths.get(op);
    if (path === undefined) throw new GatewayError('GW_ERR_INTERNAL', `operation ${op.name} is not in the catalog`);
    const budget = limits.upstream();
    if (budget instanceof Promise) await budget;
    const started = performance.now();
    const response = await upstream.request({
      method: op.method,
      path: path(input),
      body: op.body === undefined ? undefined : (input.bodyJson ??= JSON.stringify(input.body)),
      requestId: ctx.requestId,
    });
    return { ...response, upstreamMs: performance.now() - started };
  };
}
