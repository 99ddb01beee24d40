import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type * as ProtocolServerModule from './protocol-server.js';

/** What one MCP POST needs of the SDK: a protocol server for its caller, and a transport to answer through. */
export interface McpSdk {
  protocolServer: typeof ProtocolServerModule.protocolServer;
  Transport: typeof StreamableHTTPServerTransport;
}

/**
 * Loads the MCP SDK and the protocol server built on it. The SDK with the zod it brings in is about 10 MB of live
 * heap that every full collection marks: a gateway whose MCP channel is not called does not carry it, and one whose
 * channel is called loads it once, with its first MCP request.
 */
export async function loadMcpSdk(): Promise<McpSdk> {
  const [{ StreamableHTTPServerTransport }, { protocolServer }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    import('./protocol-server.js'),
  ]);
  return { protocolServer, Transport: StreamableHTTPServerTransport };
}
