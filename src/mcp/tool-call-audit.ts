import { hash } from 'node:crypto';
import { auditOutcome } from '../access/audit-outcome.js';
import { auditTargets, changeSummary } from '../access/change-summary.js';
import type { AuditEntry } from '../audit/audit-entry.js';
import type { GatewayError } from '../errors.js';
import type { Operation, ValidatedInput } from '../catalog/operation.js';
import type { ToolArguments } from './tool-arguments.js';
import type { McpTool } from './tool-catalog.js';
import type { McpCaller } from './mcp-caller.js';

/** What became of one tool call, gathered while it ran. */
export interface ToolCallRecord {
  requestId: string;
  /** Undefined when no tool has the name asked for. */
  tool: McpTool | undefined;
  args: ToolArguments;
  /** Set once the arguments passed validation. */
  input: ValidatedInput | null;
  error: GatewayError | null;
  upstreamStatus: number | null;
  upstreamMs: number | null;
  durationMs: number;
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

// The REST router's maxParamLength: audit lines stay bounded whatever a caller sends.
const MAX_AUDITED_ARGUMENT_LENGTH = 512;

/** The concrete gateway path of a call (`/v1/groups/my_group/...`), for the audit line; whatever the arguments are. */
function concretePath(op: Operation, args: ToolArguments): string {
  return op.path.replace(/\{([a-z_]+)\}/g, (placeholder, name: string) => {
    const value = args[name];
    return typeof value === 'string' ? encodeURIComponent(value.slice(0, MAX_AUDITED_ARGUMENT_LENGTH)) : placeholder;
  });
}

/** The path-parameter arguments that are strings, valid or not, so that the audit line names what was asked for. */
function pathArguments(op: Operation, args: ToolArguments): Record<string, string> {
  const params: Record<string, string> = {};
  for (const name of Object.keys(op.params.properties)) {
    const value = args[name];
    if (typeof value === 'string') params[name] = value.slice(0, MAX_AUDITED_ARGUMENT_LENGTH);
  }
  return params;
}

/** The same line a REST call of the same operation gets, with `channel: 'mcp'`. */
export function toolCallAuditEntry(caller: McpCaller, record: ToolCallRecord): AuditEntry {
  const op = record.tool?.op ?? null;
  const status = record.error?.statusCode ?? record.upstreamStatus ?? 200;
  const entry: AuditEntry = {
    time: new Date().toISOString(),
    requestId: record.requestId,
    channel: 'mcp',
    clientId: caller.client.id,
    clientIp: caller.clientIp,
    operation: op?.name ?? null,
    method: op?.method ?? 'POST',
    path: op === null ? '/mcp' : concretePath(op, record.args),
    targets: op === null ? {} : auditTargets(op, pathArguments(op, record.args)),
    outcome: auditOutcome(status, record.error, record.upstreamStatus),
    status,
    upstreamStatus: record.upstreamStatus,
    errorCode: record.error?.vtCode ?? null,
    durationMs: round(record.durationMs),
    upstreamMs: record.upstreamMs === null ? null : round(record.upstreamMs),
  };
  if (op !== null && record.input !== null && op.body !== undefined) {
    const change = changeSummary(op, record.input);
    if (change !== undefined) entry.change = change;
    entry.bodySha256 = hash('sha256', JSON.stringify(record.input.body), 'hex');
  }
  return entry;
}
