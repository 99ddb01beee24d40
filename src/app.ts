import type { Duplex } from 'node:stream';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { createAuthenticator, type Authenticator } from './access/authenticate.js';
import { registerRateLimits, type RateLimits } from './access/rate-limits.js';
import type { AuditLog } from './audit/audit-log.js';
import { operations } from './catalog/operations.js';
import type { GatewayConfig } from './config.js';
import openApiPlugin from './docs/openapi-plugin.js';
import { GatewayError, vtErrorBody } from './errors.js';
import corsPlugin from './http/cors-plugin.js';
import errorsPlugin from './http/errors-plugin.js';
import healthPlugin from './health/health-plugin.js';
import hygienePlugin from './http/hygiene-plugin.js';
import pressurePlugin from './http/pressure-plugin.js';
import { rawErrorResponse } from './http/raw-error-response.js';
import { gatewayServerOptions } from './http/server-options.js';
import { requestStateDefaults } from './http/request-state.js';
import { typeboxValidatorCompiler } from './http/validator.js';
import { GatewayMetrics } from './metrics/metrics.js';
import { createRunner, type OperationRunner } from './operations/runner.js';
import accessPlugin from './rest/access-plugin.js';
import auditPlugin from './rest/audit-plugin.js';
import { restRoutes } from './rest/routes-plugin.js';
import type { ClientRegistry } from './security/client-registry.js';
import { UpstreamClient } from './upstream/client.js';
import { version } from './version.js';

export type RuntimeConfig = GatewayConfig & { vtApiKey: string };

/** The pieces every channel shares, for the MCP server beside the REST one. */
export interface GatewayParts {
  run: OperationRunner;
  limits: RateLimits;
  authenticate: Authenticator;
  metrics: GatewayMetrics;
  upstream: UpstreamClient;
}

declare module 'fastify' {
  interface FastifyInstance {
    vtgw: GatewayParts;
  }
}

export interface BuildAppOptions {
  config: RuntimeConfig;
  clients: ClientRegistry;
  audit: AuditLog;
  /** Shared rate-limit counters (REDIS_URL); in memory without. */
  redis?: Redis;
  metrics?: GatewayMetrics;
  /** Awaited on close before the shared resources (audit log, upstream pool, Redis) are closed: the MCP server's drain. */
  beforeClosingResources?: () => Promise<void>;
  /** The operational log (pino JSON on stdout); false silences it (tests). */
  logger?: FastifyBaseLogger | false;
}

const UNAUDITED_PREFIXES = ['/healthz', '/readyz'] as const;

export function csv(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const trustProxy = csv(config.trustProxy);
  const app = Fastify({
    ...(opts.logger === false ? { logger: false } : { loggerInstance: opts.logger ?? (pino({ level: config.logLevel }) as FastifyBaseLogger) }),
    ...gatewayServerOptions(trustProxy),
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: 30_000,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 512 },
    frameworkErrors: (error, request, reply) => {
      const gw = new GatewayError('GW_ERR_BAD_REQUEST', error.code === 'FST_ERR_BAD_URL' ? 'The request URL is malformed' : 'Bad request');
      request.gatewayError = gw;
      (reply as FastifyReply).code(gw.statusCode);
      request.server.auditRequest?.(request, reply as FastifyReply);
      void (reply as FastifyReply).send(vtErrorBody(gw.vtCode, gw.message));
    },
  });
  app.server.on('connect', (_req, socket: Duplex) => {
    // A CONNECT socket leaves the HTTP server's hands paused: drain it so that the peer's FIN is seen and it closes.
    socket.on('error', () => {});
    socket.resume();
    socket.end(rawErrorResponse(405, 'CONNECT is not supported'));
    setTimeout(() => socket.destroy(), 1000).unref();
  });
  app.setValidatorCompiler(typeboxValidatorCompiler);
  app.removeContentTypeParser('text/plain');
  for (const [name, value] of Object.entries(requestStateDefaults)) app.decorateRequest(name, value);

  const upstream = new UpstreamClient({
    baseUrl: config.vtApiBaseUrl,
    apiKey: config.vtApiKey,
    userAgent: `vt-access-gateway/${version}`,
    connectTimeoutMs: config.upstreamConnectTimeoutMs,
    headersTimeoutMs: config.upstreamHeadersTimeoutMs,
    bodyTimeoutMs: config.upstreamBodyTimeoutMs,
    maxResponseBytes: config.upstreamMaxResponseBytes,
    connections: config.upstreamConnections,
    retry: { retries: config.upstreamRetries, baseDelayMs: config.upstreamRetryBaseMs },
    breaker: { failureThreshold: config.breakerFailureThreshold, openMs: config.breakerOpenMs },
  });
  app.addHook('onClose', async () => {
    await opts.beforeClosingResources?.();
    await upstream.close();
    opts.audit.close();
    opts.clients.close();
    if (opts.redis !== undefined) opts.redis.disconnect();
  });

  const limits = await registerRateLimits(app, {
    readsPerMinute: config.readsPerMinute,
    writesPerMinute: config.writesPerMinute,
    upstreamBudgetPerMinute: config.upstreamBudgetPerMinute,
    failOpen: config.rateLimitFailOpen,
    ...(opts.redis === undefined ? {} : { redis: opts.redis }),
  });
  await app.register(pressurePlugin, { maxEventLoopDelayMs: config.maxEventLoopDelayMs, maxHeapUsedBytes: config.maxHeapUsedBytes });
  await app.register(hygienePlugin);
  await app.register(corsPlugin, { origins: csv(config.corsOrigins) });
  await app.register(errorsPlugin);
  const metrics = opts.metrics ?? new GatewayMetrics();
  let lastAuditWriteFailed = false;
  await app.register(auditPlugin, {
    audit: opts.audit,
    skip: [...UNAUDITED_PREFIXES, `${config.basePath}/docs/static/`],
    onRecorded: (entry) => {
      lastAuditWriteFailed = false;
      metrics.observe(entry);
    },
    onWriteFailure: () => {
      lastAuditWriteFailed = true;
      metrics.auditWriteFailures.inc();
    },
  });
  const authenticate = createAuthenticator({ registry: opts.clients, trustProxy, trustedClientHeader: config.trustedClientHeader });
  await app.register(accessPlugin, {
    authenticate,
    limits,
    trustedClientHeader: config.trustedClientHeader,
  });
  await app.register(healthPlugin, {
    checks: [
      {
        name: 'auditLog',
        check: () => (opts.audit.isWritable() && !lastAuditWriteFailed ? undefined : 'audit log not writable'),
      },
      { name: 'upstream', check: () => (upstream.circuitState === 'open' ? 'circuit to VirusTotal is open' : undefined) },
      ...(opts.redis === undefined
        ? []
        : [{ name: 'redis', check: () => (opts.redis?.status === 'ready' ? undefined : `redis ${opts.redis?.status ?? 'absent'}`) }]),
    ],
  });
  const run = createRunner(operations, upstream, limits);
  await app.register(
    async (scope) => {
      await scope.register(openApiPlugin, { version, serverUrl: config.basePath === '' ? '/' : config.basePath });
      await scope.register(restRoutes, { operations, run });
    },
    { prefix: config.basePath },
  );
  app.decorate('vtgw', { run, limits, authenticate, metrics, upstream });
  return app;
}
