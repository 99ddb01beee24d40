import { buffer } from 'node:stream/consumers';
import type { Readable } from 'node:stream';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyBaseLogger } from 'fastify';
import type { Operation } from '../catalog/operation.js';
import { newCallRecord } from '../core/call-record.js';
import type { Core } from '../core/core.js';
import type { Client } from '../security/client.js';
import { auditUnavailable, GatewayError } from '../errors.js';
import { toGatewayError } from '../http/framework-errors.js';
import type { ToolArguments } from './tool-arguments.js';
import { assertToolAllowed, type ToolCatalog } from './tool-catalog.js';
import { gatewayErrorResult, upstreamResult } from './tool-result.js';

/** Who sent one POST /mcp; each of its tool calls gets its own request id and audit line. */
export interface ToolCaller {
  client: Client;
  clientIp: string;
  log: FastifyBaseLogger;
  /** `${httpRequestId}:${n}`: one JSON-RPC batch may hold several tool calls. */
  nextRequestId(): string;
  callerGone(): boolean;
}

// The REST router's maxParamLength: audit lines stay bounded whatever a caller sends.
const MAX_AUDITED_ARGUMENT_LENGTH = 512;

/** The concrete gateway path of a call, for the audit line, whatever the arguments are. */
function concretePath(op: Operation, args: ToolArguments): string {
  return op.path.replace(/\{([a-z_]+)\}/g, (placeholder, name: string) => {
    const value = args[name];
    return typeof value === 'string' ? encodeURIComponent(value.slice(0, MAX_AUDITED_ARGUMENT_LENGTH)) : placeholder;
  });
}

/** VirusTotal's whole answer, since a tool result is one message; the upstream guard already caps its size. */
async function wholeBody(body: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  try {
    return await buffer(body);
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', "VirusTotal's response broke off before its end");
  }
}

/**
 * One tools/call, in the order a REST call goes: the client's budget, the tool's scope, the arguments, then the
 * core's run (rules schemas cannot say, authorization, upstream budget, VirusTotal). Whatever happens ends as a
 * tool result and one audit line; as in REST, no result leaves unless its line was written.
 */
export async function callTool(name: string, args: ToolArguments, caller: ToolCaller, core: Core, tools: ToolCatalog): Promise<CallToolResult> {
  const tool = tools.find(name);
  const call = newCallRecord({
    requestId: caller.nextRequestId(),
    channel: 'mcp',
    clientIp: caller.clientIp,
    method: tool?.op.method ?? 'POST',
    path: tool === undefined ? '/mcp' : concretePath(tool.op, args),
    callerGone: caller.callerGone,
  });
  call.client = caller.client;
  if (tool !== undefined) {
    call.operation = tool.op;
    call.params = args;
  }
  let result: CallToolResult;
  try {
    // A name that is no tool costs a read, as a REST call does: its refusal is a line on the record, which is not free to fill.
    const admitted = core.admit(caller.client, tool?.op ?? { budget: 'read' });
    if (admitted instanceof Promise) await admitted;
    if (tool === undefined) {
      throw new GatewayError('GW_ERR_NOT_FOUND', `No tool is named "${name.slice(0, 128)}"; tools/list shows the tools this client may call`);
    }
    assertToolAllowed(tool, caller.client);
    const upstream = await core.run(call, tool.op, tool.arguments.parse(args));
    result = upstreamResult(upstream.statusCode, await wholeBody(upstream.body));
  } catch (err) {
    const error = toGatewayError(err);
    if (error.code === 'GW_ERR_INTERNAL') caller.log.error({ err, tool: name }, 'tool call failed');
    call.error = error;
    result = gatewayErrorResult(error);
  }
  const status = call.error?.statusCode ?? call.upstreamStatus ?? 200;
  const failed = await new Promise<Error | null>((resolve) => core.record(call, status, resolve));
  if (failed === null) return result;
  // A write whose intent is on the record may have been applied: its result goes back, marked as unrecorded.
  return call.intentRecorded ? { ...result, _meta: { 'vtgw/audit': 'outcome-unrecorded' } } : gatewayErrorResult(auditUnavailable());
}
