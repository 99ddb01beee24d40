import type { Tool } from '@modelcontextprotocol/sdk/types.js';
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
  /** The tools whose base scope the client holds, in catalog order. */
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
    listFor: (client) => all.filter((tool) => client.scopes.has(tool.op.scope)),
  };
}

/**
 * A tool the client does not see is refused before its arguments are even read. The runner authorizes again,
 * with the extra scopes and the group and threat-profile allowlists.
 */
export function assertToolAllowed(tool: McpTool, client: Client): void {
  if (!client.scopes.has(tool.op.scope)) {
    throw new GatewayError(
      'GW_ERR_FORBIDDEN',
      `Client "${client.id}" lacks the scope "${tool.op.scope}" needed for the tool ${tool.op.tool.name} (${tool.op.name})`,
    );
  }
}
