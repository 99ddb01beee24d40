import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { allowlistAllRefusal } from '../access/authorize.js';
import type { Operation } from '../catalog/operation.js';
import { GatewayError } from '../errors.js';
import type { Client } from '../security/client.js';
import { argumentsSchema, compileArgumentsParser, type ToolArgumentsParser } from './tool-arguments.js';
import { describeTool } from './tool-description.js';

export interface McpTool {
  op: Operation;
  /** What tools/list shows. */
  definition: Tool;
  arguments: ToolArgumentsParser;
}

export interface ToolCatalog {
  find(name: string): McpTool | undefined;
  /** The tools the client may call with some arguments (tool-catalog.ts `refusalOf`), in catalog order. */
  listFor(client: Client): McpTool[];
}

function toolFor(op: Operation): McpTool {
  const schema = argumentsSchema(op);
  return {
    op,
    definition: {
      name: op.tool.name,
      title: op.summary,
      description: describeTool(op, schema),
      // A JSON round trip leaves the JSON Schema and drops TypeBox's symbol-keyed bookkeeping.
      inputSchema: JSON.parse(JSON.stringify(schema)) as Tool['inputSchema'],
      annotations: {
        title: op.summary,
        readOnlyHint: op.tool.hints.readOnly,
        destructiveHint: op.tool.hints.destructive,
        idempotentHint: op.tool.hints.idempotent,
        openWorldHint: true,
      },
    },
    arguments: compileArgumentsParser(op, schema),
  };
}

/** One tool per catalog operation, schemas compiled once, at start. */
export function buildToolCatalog(operations: readonly Operation[]): ToolCatalog {
  const tools = new Map<string, McpTool>();
  for (const op of operations) {
    if (tools.has(op.tool.name)) throw new Error(`Two operations share the MCP tool name "${op.tool.name}"`);
    tools.set(op.tool.name, toolFor(op));
  }
  const all = [...tools.values()];
  return {
    find: (name) => tools.get(name),
    listFor: (client) => all.filter((tool) => refusalOf(tool, client) === undefined),
  };
}

/**
 * Why the client may not call the tool whatever its arguments: a scope every call needs, or the allowlist "*" that
 * every call on its kind of object needs. Undefined when some arguments may be allowed.
 */
function refusalOf(tool: McpTool, client: Client): string | undefined {
  const { op } = tool;
  const missing = op.scopesAlwaysNeeded.find((scope) => !client.scopes.has(scope));
  if (missing !== undefined) return `Client "${client.id}" lacks the scope "${missing}" needed for the tool ${op.tool.name} (${op.name})`;
  return allowlistAllRefusal(op, client);
}

/**
 * A tool the client does not see is refused before its arguments are even read. The runner authorizes again,
 * with the extra scopes the arguments call for and the group and threat-profile allowlists.
 */
export function assertToolAllowed(tool: McpTool, client: Client): void {
  const refusal = refusalOf(tool, client);
  if (refusal !== undefined) throw new GatewayError('GW_ERR_FORBIDDEN', refusal);
}
