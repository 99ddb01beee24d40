import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Authenticator } from '../access/authenticate.js';
import type { RateLimits } from '../access/rate-limits.js';
import type { AuditWriter } from '../audit/audit-log.js';
import type { Operation } from '../catalog/operation.js';
import { GatewayError, vtErrorBody } from '../errors.js';
import { toGatewayError } from '../http/error-reply.js';
import errorsPlugin from '../http/errors-plugin.js';
import hygienePlugin from '../http/hygiene-plugin.js';
import { gatewayServerOptions } from '../http/server-options.js';
import { requestStateDefaults } from '../http/request-state.js';
import type { OperationRunner } from '../operations/runner.js';
import { mcpCaller } from './mcp-caller.js';
import { protocolServer } from './protocol-server.js';
import refusalAuditPlugin from './refusal-audit-plugin.js';
import { buildToolCatalog } from './tool-catalog.js';
import type { ToolCallDeps } from './tool-call.js';

export interface McpDeps {
  operations: readonly Operation[];
  run: OperationRunner;
  authenticate: Authenticator;
  limits: RateLimits;
  audit: AuditWriter;
  trustedClientHeader: string;
  /** Largest VirusTotal answer turned into a tool result. */
  maxResultBytes: number;
  /** The operational log; false or absent: silent. */
  logger?: FastifyBaseLogger | false;
  bodyLimit: number;
  /** CIDRs of the corporate API gateway, as for REST: client addresses in audit lines honour X-Forwarded-For from them. */
  trustProxy?: string[];
}

export const MCP_PATH = '/mcp';

const STATELESS = vtErrorBody(
  'BadRequestError',
  'This MCP endpoint is stateless: send every JSON-RPC message with POST /mcp; there is no stream to GET and no session to DELETE',
);
const FAILED = JSON.stringify(vtErrorBody('InternalError', 'The gateway failed to handle the MCP request'));

/**
 * Stateless Streamable HTTP: every POST gets its own protocol server and transport, answers in plain JSON and is
 * forgotten, so the gateway keeps no session state and any replica can serve any request.
 */
async function serveMcpPost(request: FastifyRequest, reply: FastifyReply, deps: ToolCallDeps): Promise<void> {
  if (request.client === null) throw new GatewayError('GW_ERR_AUTH_REQUIRED', 'Not authenticated');
  const server = protocolServer(mcpCaller(request.client, request.ip, request.id, request.log), deps);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
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
    else reply.raw.writeHead(500, { 'content-type': 'application/json' }).end(FAILED);
  }
}

/** The MCP face of the gateway: POST /mcp on its own Fastify instance (not listening), beside the REST one. */
export async function buildMcpApp(deps: McpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger === undefined || deps.logger === false ? { logger: false } : { loggerInstance: deps.logger }),
    ...gatewayServerOptions(deps.trustProxy ?? []),
    bodyLimit: deps.bodyLimit,
    routerOptions: { ignoreTrailingSlash: false },
    frameworkErrors: (error, request, reply) => {
      const gw = toGatewayError(error);
      request.gatewayError = gw;
      void (reply as FastifyReply).code(gw.statusCode).send(vtErrorBody(gw.vtCode, gw.message));
    },
  });
  app.removeContentTypeParser('text/plain');
  for (const [name, value] of Object.entries(requestStateDefaults)) app.decorateRequest(name, value);
  await app.register(hygienePlugin);
  await app.register(errorsPlugin);
  await app.register(refusalAuditPlugin, { audit: deps.audit });

  const toolDeps: ToolCallDeps = {
    tools: buildToolCatalog(deps.operations),
    run: deps.run,
    limits: deps.limits,
    audit: deps.audit,
    maxResultBytes: deps.maxResultBytes,
  };
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      const trusted = deps.trustedClientHeader === '' ? undefined : request.headers[deps.trustedClientHeader];
      request.client = deps.authenticate({
        authorization: request.headers.authorization,
        trustedClientId: typeof trusted === 'string' ? trusted : undefined,
        peerAddress: request.socket.remoteAddress ?? '',
      });
    });
    scope.post(MCP_PATH, (request, reply) => serveMcpPost(request, reply, toolDeps));
    scope.route({
      method: ['GET', 'DELETE'],
      url: MCP_PATH,
      handler: async (_request, reply) => reply.code(405).header('allow', 'POST').send(STATELESS),
    });
  });
  return app;
}
