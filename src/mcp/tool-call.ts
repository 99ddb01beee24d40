import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { RateLimits } from '../access/rate-limits.js';
import type { AuditWriter } from '../audit/audit-log.js';
import { GatewayError } from '../errors.js';
import { toGatewayError } from '../http/error-reply.js';
import type { OperationRunner } from '../operations/runner.js';
import { readCappedBody } from './capped-body.js';
import type { McpCaller } from './mcp-caller.js';
import type { ToolArguments } from './tool-arguments.js';
import { assertToolAllowed, type ToolCatalog } from './tool-catalog.js';
import { toolCallAuditEntry, type ToolCallRecord } from './tool-call-audit.js';
import { gatewayErrorResult, upstreamResult } from './tool-result.js';

export interface ToolCallDeps {
  tools: ToolCatalog;
  run: OperationRunner;
  limits: RateLimits;
  audit: AuditWriter;
  maxResultBytes: number;
}

const AUDIT_FAILED = new GatewayError('GW_ERR_UNAVAILABLE', 'The audit log could not be written; nothing was recorded as done');

/**
 * One tools/call, in the order a REST call goes: the client's read or write budget, the tool's scope, the
 * arguments, then the runner (rules schemas cannot say, authorization, upstream budget, VirusTotal). Whatever
 * happens ends as a tool result and one audit line; as in REST, no result leaves unless its line was written.
 */
export async function callTool(name: string, args: ToolArguments, caller: McpCaller, deps: ToolCallDeps): Promise<CallToolResult> {
  const started = performance.now();
  const tool = deps.tools.find(name);
  const record: ToolCallRecord = {
    requestId: caller.nextRequestId(),
    tool,
    args,
    input: null,
    error: null,
    upstreamStatus: null,
    upstreamMs: null,
    durationMs: 0,
  };
  let result: CallToolResult;
  try {
    if (tool === undefined) {
      throw new GatewayError('GW_ERR_NOT_FOUND', `No tool is named "${name.slice(0, 128)}"; tools/list shows the tools this client may call`);
    }
    await deps.limits.client(caller.client, tool.op.method === 'GET' ? 'read' : 'write');
    assertToolAllowed(tool, caller.client);
    const input = tool.arguments.parse(args);
    record.input = input;
    const upstream = await deps.run(tool.op, input, { client: caller.client, requestId: record.requestId });
    record.upstreamStatus = upstream.statusCode;
    record.upstreamMs = upstream.upstreamMs;
    result = upstreamResult(upstream.statusCode, await readCappedBody(upstream.body, deps.maxResultBytes));
  } catch (err) {
    const error = toGatewayError(err);
    if (error.code === 'GW_ERR_INTERNAL') caller.log.error({ err, tool: name }, 'tool call failed');
    record.error = error;
    result = gatewayErrorResult(error);
  }
  record.durationMs = performance.now() - started;
  try {
    deps.audit.write(toolCallAuditEntry(caller, record));
  } catch (err) {
    caller.log.error({ err }, 'audit write failed');
    return gatewayErrorResult(AUDIT_FAILED);
  }
  return result;
}
