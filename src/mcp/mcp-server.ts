import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readCredentials } from '../access/credentials.js';
import { originOf, pointingAtMetadata, protectedResourceMetadata, protectedResourcePath } from '../access/protected-resource.js';
import type { Core } from '../core/core.js';
import { GatewayError } from '../errors.js';
import { callOf, socketGone } from '../http/call-state.js';
import { buildChannelServer } from '../http/channel-server.js';
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
  const transport = new sdk.Transport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  // The transport writes to the raw response; the headers set so far (request id, nosniff, no-store) go with it.
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
  reply.hijack();
  reply.raw.on('close', () => {
    server.close().catch((err: unknown) => request.log.debug({ err }, 'MCP server close failed'));
  });
  try {
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  } catch (err) {
    request.log.error({ err }, 'MCP request failed');
    if (reply.raw.headersSent) reply.raw.destroy();
    else reply.raw.writeHead(500, { 'content-type': 'application/json' }).end(new GatewayError('GW_ERR_INTERNAL', 'The gateway failed to handle the MCP request').json());
  }
}

export interface McpAppOptions {
  logger: FastifyBaseLogger | false;
  /** Loads the SDK when the first MCP request needs it (default `loadMcpSdk`); a failed load is tried again next time. */
  loadSdk?: () => Promise<McpSdk>;
}

/** The MCP face of the gateway (not listening): POST /mcp, tools generated from the catalog, the core shared with REST. */
export async function buildMcpApp(core: Core, opts: McpAppOptions): Promise<FastifyInstance> {
  const app = await buildChannelServer(core, { channel: 'mcp', logger: opts.logger, unaudited: [] });
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
      // Every SDK client probes with GET for a stream it may open: not worth an audit line each time.
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
