import type { Operation, ValidatedInput } from '../catalog/operation.js';
import { GatewayError } from '../errors.js';
import type { UpstreamClient, UpstreamResponse } from '../upstream/client.js';
import { compileUpstreamPath } from './upstream-path.js';

export type OperationRunner = (op: Operation, input: ValidatedInput, requestId: string) => Promise<UpstreamResponse>;

/** What every channel (REST, MCP) does once an operation's input is schema-valid: the extra checks, then VirusTotal. */
export function createRunner(operations: readonly Operation[], upstream: UpstreamClient): OperationRunner {
  const paths = new Map(operations.map((op) => [op, compileUpstreamPath(op)]));
  return async (op, input, requestId) => {
    const problem = op.check?.(input);
    if (problem !== undefined) throw new GatewayError('GW_ERR_INVALID_ARGUMENT', problem);
    const path = paths.get(op);
    if (path === undefined) throw new GatewayError('GW_ERR_INTERNAL', `operation ${op.name} is not in the catalog`);
    return upstream.request({
      method: op.method,
      path: path(input),
      body: op.body === undefined ? undefined : JSON.stringify(input.body),
      requestId,
    });
  };
}
