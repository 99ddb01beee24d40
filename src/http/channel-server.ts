import type { Duplex } from 'node:stream';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Channel } from '../audit/audit-entry.js';
import type { Core } from '../core/core.js';
import { auditUnavailable, GatewayError, rawHttpAnswer } from '../errors.js';
import anonymousLimitPlugin, { refuseAnonymousOverLimit } from './anonymous-limit-plugin.js';
import auditPlugin from './audit-plugin.js';
import callState, { callOf } from './call-state.js';
import { clientTimeoutsOf, serverTimeoutOptions } from './connection-limits.js';
import errorsPlugin from './errors-plugin.js';
import { badRequest, toGatewayError } from './framework-errors.js';
import hygienePlugin from './hygiene-plugin.js';
import { registerJsonBody } from './json-body.js';
import { lazyChildLogger } from './lazy-request-logger.js';
import { requestIdFor } from './request-id.js';

export interface ChannelServerOptions {
  channel: Channel;
  /** The operational log; false silences it. */
  logger: FastifyBaseLogger | false;
  /** Path prefixes whose requests get no audit line (probes, static files). */
  unaudited: readonly string[];
  routerOptions?: { maxParamLength?: number };
}

/**
 * A Fastify server for one channel, with what every channel shares: request ids, the call record, hygiene headers,
 * errors in VirusTotal's shape, one audit line per request (refusals included, also those Fastify makes before
 * routing), no HEAD routes, a gateway 503 while closing, and raw answers for broken HTTP. Nothing from outside fills
 * the disk or the log: heads and URLs are bounded, calls nobody answers for are limited per address before each costs
 * an audit line, and requests are not logged one by one (the audit log is the record; errors are still logged).
 */
export async function buildChannelServer(core: Core, opts: ChannelServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.logger === false ? { logger: false } : { loggerInstance: opts.logger }),
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLogger,
    genReqId: requestIdFor,
    exposeHeadRoutes: false,
    return503OnClosing: false,
    trustProxy: core.trustedProxies.length > 0 ? [...core.trustedProxies] : false,
    bodyLimit: core.config.bodyLimitBytes,
    // No connection is held open for free: headers, whole request and keep-alive are timed, checked every second.
    http: { ...serverTimeoutOptions(clientTimeoutsOf(core.config)), maxHeaderSize: core.config.maxHeaderBytes },
    requestTimeout: core.config.httpRequestTimeoutMs,
    keepAliveTimeout: core.config.httpKeepAliveTimeoutMs,
    routerOptions: { ignoreTrailingSlash: false, ...opts.routerOptions },
    // Node's parser refused the bytes before any request existed: nothing to audit, so the refusal is counted.
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      core.metrics.httpParserRefusals.inc({ reason: err.code?.startsWith('HPE_') === true ? err.code : 'other' });
      if (socket.writable) socket.end(rawHttpAnswer(new GatewayError('GW_ERR_BAD_REQUEST', 'Malformed HTTP request')));
    },
    // Fastify answers a malformed URL before routing and without onSend hooks: record it here.
    frameworkErrors: (error, request, reply: FastifyReply) => {
      const call = callOf(request);
      call.error = toGatewayError(error, badRequest);
      const refused = refuseAnonymousOverLimit(core, request) ?? call.error;
      core.record(call, refused.statusCode, (err) => {
        const answer = err === null ? refused : auditUnavailable();
        void reply.code(answer.statusCode).headers(answer.headers).type('application/json').send(answer.json());
      });
    },
  });
  app.server.on('connect', (_req, socket: Duplex) => {
    // A CONNECT socket leaves the HTTP server's hands paused: drain it so that the peer's FIN is seen and it closes.
    socket.on('error', () => {});
    socket.resume();
    socket.end(rawHttpAnswer(new GatewayError('GW_ERR_METHOD_NOT_ALLOWED', 'CONNECT is not supported')));
    setTimeout(() => socket.destroy(), 1000).unref();
  });
  registerJsonBody(app, { textPlain: opts.channel === 'rest' });
  await app.register(callState, { channel: opts.channel });
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    reply.header('connection', 'close');
    done(new GatewayError('GW_ERR_SHUTTING_DOWN', 'The gateway is shutting down; retry on another replica', { 'retry-after': '1' }));
  });
  const maxUrlBytes = core.config.maxUrlBytes;
  app.addHook('onRequest', (request, _reply, done) => {
    if (Buffer.byteLength(request.url) > maxUrlBytes) {
      done(new GatewayError('GW_ERR_BAD_REQUEST', `The request URL is longer than ${maxUrlBytes} bytes`));
      return;
    }
    done();
  });
  await app.register(hygienePlugin);
  await app.register(errorsPlugin);
  await app.register(anonymousLimitPlugin, { core, skip: opts.unaudited });
  await app.register(auditPlugin, { core, skip: opts.unaudited });
  return app;
}
