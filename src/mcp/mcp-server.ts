import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readCredentials } from '../access/credentials.js';
import { originOf, pointingAtMetadata, protectedResourceMetadata, protectedResourcePath } from '../access/protected-resource.js';
import type { Core } from '../core/core.js';
import { GatewayError } from '../errors.js';
import { callOf, socketGone } from '../http/call-state.js';
import { buildChannelServer } from '../http/channel-server.js';
import pressurePlugin from '../http/pressure-plugin.js';
import { loadMcpSdk, type McpSdk } from './mcp-sdk.js';
import { buildToolCatalog, type ToolCatalog } from './tool-catalog.js';

const MCP_PATH = '/mcp';

/**
 * Stateless Streamable HTTP: every POST gets its own protocol server and transport, answers in plain JSON and is
 * forgotten, so the gateway keeps no session state and any replica can serve any request.
 */
async function serveMcpPost(request: FastifyRequest, reply: FastifyReply, core: Core, tools: ToolCatalog, sdk: McpSdk): Promise<void> {
  const client = callOf(request).client;
  if (client === null) throw new GatewayError('GW_ERR_AUTH_REQUIRED', 'Not authenticated');
  let calls = 0;
  const caller = {
    client,
    clientIp: request.ip,
    log: request.log,
    nextRequestId: () => `${request.id}:${++calls}`,
    callerGone: () => socketGone(request.raw.socket),
  };
  const server = sdk.protocolServer(caller, core, tools);
  const deadline = setTimeout(() => answerTimedOut(request, reply, core.config.mcpAnswerTimeoutMs), core.config.mcpAnswerTimeoutMs);
  const transport = new sdk.Transport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  // The transport writes to the raw response; the headers set so far (request id, nosniff, no-store) go with it.
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
  reply.hijack();
  reply.raw.on('close', () => {
    clearTimeout(deadline);
    server.close().catch((err: unknown) => request.log.debug({ err }, 'MCP server close failed'));
  });
  try {
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, withoutCancellations(request.body));
  } catch (err) {
    request.log.error({ err }, 'MCP request failed');
    if (reply.raw.headersSent) reply.raw.destroy();
    else reply.raw.writeHead(500, { 'content-type': 'application/json' }).end(new GatewayError('GW_ERR_INTERNAL', 'The gateway failed to handle the MCP request').json());
  }
}

/**
 * A batch's `notifications/cancelled`, dropped when the batch holds requests. Stateless, a cancellation can only name
 * a request of the same POST, and the SDK then never answers that request while the transport waits for an answer to
 * every request of the batch: the POST would hang, holding its connection, until the caller hung up.
 */
export function withoutCancellations(body: unknown): unknown {
  if (!Array.isArray(body) || !body.some(isJsonRpcRequest)) return body;
  return body.filter((message) => !isCancellation(message));
}

function isJsonRpcRequest(message: unknown): boolean {
  return typeof message === 'object' && message !== null && 'method' in message && 'id' in message;
}

function isCancellation(message: unknown): boolean {
  return typeof message === 'object' && message !== null && !('id' in message) && 'method' in message && message.method === 'notifications/cancelled';
}

/** The backstop of a POST /mcp that nothing else ends: a 504 if no byte of the answer left yet, else the connection closed. */
function answerTimedOut(request: FastifyRequest, reply: FastifyReply, timeoutMs: number): void {
  request.log.warn({ requestId: request.id, timeoutMs }, 'MCP request not answered in time');
  if (reply.raw.headersSent) {
    reply.raw.destroy();
    return;
  }
  const timedOut = new GatewayError(
    'GW_ERR_UPSTREAM_TIMEOUT',
    `The MCP request was not answered within ${timeoutMs} ms (MCP_ANSWER_TIMEOUT_MS); its tool calls may still complete or have been applied: check before repeating a write`,
  );
  reply.raw.writeHead(timedOut.statusCode, { 'content-type': 'application/json', connection: 'close' }).end(timedOut.json());
}

export interface McpAppOptions {
  logger: FastifyBaseLogger | false;
  /** Loads the SDK when the first MCP request needs it (default `loadMcpSdk`); a failed load is tried again next time. */
  loadSdk?: () => Promise<McpSdk>;
}

/** The MCP face of the gateway (not listening): POST /mcp, tools generated from the catalog, the core shared with REST. */
export async function buildMcpApp(core: Core, opts: McpAppOptions): Promise<FastifyInstance> {
  const app = await buildChannelServer(core, { channel: 'mcp', logger: opts.logger, unaudited: [] });
  await app.register(pressurePlugin, { maxEventLoopDelayMs: core.config.maxEventLoopDelayMs, maxHeapUsedBytes: core.config.maxHeapUsedBytes });
  const tools = buildToolCatalog(core.operations);
  const load = opts.loadSdk ?? loadMcpSdk;
  let loading: Promise<McpSdk> | undefined;
  const sdk = (): Promise<McpSdk> => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };
  const { oidcIssuer } = core.config;
  if (oidcIssuer !== undefined) {
    app.get(protectedResourcePath, { config: { unaudited: true } }, async (request) =>
      protectedResourceMetadata(`${originOf(request.protocol, request.host)}${MCP_PATH}`, oidcIssuer),
    );
  }
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      try {
        callOf(request).client = await core.authenticate(readCredentials(request.headers, request.socket, core.config));
      } catch (err) {
        if (oidcIssuer === undefined) throw err;
        throw pointingAtMetadata(err, `${originOf(request.protocol, request.host)}${protectedResourcePath}`);
      }
    });
    scope.post(MCP_PATH, async (request, reply) => serveMcpPost(request, reply, core, tools, await sdk()));
    scope.route({
      method: ['GET', 'DELETE'],
      url: MCP_PATH,
      // Every SDK client probes with GET for a stream it may open: not worth an audit line each time. A caller
      // refused before (no or wrong credentials) is on the record and counted like any other (goesUnaudited).
      config: { unaudited: true },
      handler: async () => {
        throw new GatewayError(
          'GW_ERR_METHOD_NOT_ALLOWED',
          'This MCP endpoint is stateless: send every JSON-RPC message with POST /mcp; there is no stream to GET and no session to DELETE',
          { allow: 'POST' },
        );
      },
    });
  });
  return app;
}
