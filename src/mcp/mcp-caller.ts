import type { FastifyBaseLogger } from 'fastify';
import type { Client } from '../security/client.js';

/** Who sent one POST /mcp, and the ids its tool calls get. */
export interface McpCaller {
  client: Client;
  clientIp: string;
  log: FastifyBaseLogger;
  /** `${httpRequestId}:${n}`: one JSON-RPC batch may hold several tool calls, each audited on its own line. */
  nextRequestId(): string;
}

export function mcpCaller(client: Client, clientIp: string, httpRequestId: string, log: FastifyBaseLogger): McpCaller {
  let calls = 0;
  return {
    client,
    clientIp,
    log,
    nextRequestId: () => `${httpRequestId}:${++calls}`,
  };
}
