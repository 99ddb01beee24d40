import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Core } from '../core/core.js';
import { version } from '../version.js';
import { callTool, type ToolCaller } from './tool-call.js';
import type { ToolCatalog } from './tool-catalog.js';

const INSTRUCTIONS =
  "Manages VirusTotal groups (members, administrators, roles, daily API allowances) and threat-profile access through the organisation's gateway. " +
  'Users are named by username in paths and by email address when added or made administrators. ' +
  'Every result is VirusTotal\'s JSON as it answered; errors carry VirusTotal\'s {"error":{"code","message"}}.';

/**
 * The low-level SDK server, so that tools carry the catalog's JSON Schema as it is. Built for one POST and one
 * caller: the listing and every call see that caller's client.
 */
export function protocolServer(caller: ToolCaller, core: Core, tools: ToolCatalog): Server {
  const server = new Server(
    { name: 'vt-access-gateway', version },
    { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: tools.listFor(caller.client).map((tool) => tool.definition),
  }));
  server.setRequestHandler(CallToolRequestSchema, (request) => callTool(request.params.name, request.params.arguments ?? {}, caller, core, tools));
  server.onerror = (err) => caller.log.warn({ err }, 'MCP protocol error');
  return server;
}
