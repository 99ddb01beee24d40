import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { operations } from './catalog/operations.js';
import type { GatewayConfig } from './config.js';
import openApiPlugin from './docs/openapi-plugin.js';
import { vtErrorBody } from './errors.js';
import errorsPlugin from './http/errors-plugin.js';
import hygienePlugin from './http/hygiene-plugin.js';
import { requestIdFor } from './http/request-id.js';
import './http/request-state.js';
import { typeboxValidatorCompiler } from './http/validator.js';
import { createRunner } from './operations/runner.js';
import { restRoutes } from './rest/routes-plugin.js';
import { UpstreamClient } from './upstream/client.js';
import { version } from './version.js';

export interface BuildAppOptions {
  config: GatewayConfig & { vtApiKey: string };
  /** false silences the operational log (tests); otherwise pino JSON to stdout at `config.logLevel`. */
  logger?: boolean;
}

const CLIENT_ERROR_BODY = JSON.stringify(vtErrorBody('BadRequestError', 'Malformed HTTP request'));

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const app = Fastify({
    logger: opts.logger === false ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdFor,
    exposeHeadRoutes: false,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 512 },
    ajv: { customOptions: { removeAdditional: false } },
    frameworkErrors: (error, _request, reply) => {
      void (reply as FastifyReply).code(400).send(vtErrorBody('BadRequestError', error.code === 'FST_ERR_BAD_URL' ? 'The request URL is malformed' : 'Bad request'));
    },
    clientErrorHandler: (_err, socket) => {
      if (socket.writable) {
        socket.end(
          `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(CLIENT_ERROR_BODY)}\r\nconnection: close\r\n\r\n${CLIENT_ERROR_BODY}`,
        );
      }
    },
  });
  app.setValidatorCompiler(typeboxValidatorCompiler);
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('operation', null);
  app.decorateRequest('gatewayError', null);
  app.decorateRequest('upstreamStatus', null);
  app.decorateRequest('upstreamMs', null);

  const upstream = new UpstreamClient({
    baseUrl: config.vtApiBaseUrl,
    apiKey: config.vtApiKey,
    userAgent: `vt-access-gateway/${version}`,
    connectTimeoutMs: config.upstreamConnectTimeoutMs,
    headersTimeoutMs: config.upstreamHeadersTimeoutMs,
    bodyTimeoutMs: config.upstreamBodyTimeoutMs,
    maxResponseBytes: config.upstreamMaxResponseBytes,
    connections: config.upstreamConnections,
  });
  app.addHook('onClose', async () => upstream.close());

  await app.register(hygienePlugin);
  await app.register(errorsPlugin);
  await app.register(openApiPlugin, { version, serverUrl: '/' });
  await app.register(restRoutes, { operations, run: createRunner(operations, upstream) });
  return app;
}
