import type http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { connectRedis, waitForRedis } from './access/redis.js';
import { buildApp, csv, type RuntimeConfig } from './app.js';
import { operations } from './catalog/operations.js';
import { buildMcpApp } from './mcp/mcp-server.js';
import { AuditLog } from './audit/audit-log.js';
import { startMetricsServer } from './metrics/metrics-server.js';
import { ClientRegistry } from './security/client-registry.js';

export interface RunningGateway {
  rest: FastifyInstance;
  mcp: FastifyInstance;
  metricsServer: http.Server | undefined;
  log: Logger;
  /** Stops accepting, lets in-flight requests finish, then closes the audit log, Redis and the upstream pool. */
  close(): Promise<void>;
}

/** Everything `npm start` and `npm run demo` share: open the clients file, the audit log and Redis, build, listen. */
export async function startGateway(config: RuntimeConfig, clients?: ClientRegistry): Promise<RunningGateway> {
  const log = pino({ level: config.logLevel });
  let registry = clients;
  if (registry === undefined) {
    if (config.clientsFile === undefined) throw new Error('GATEWAY_CLIENTS_FILE is required (mint clients with `npm run token`)');
    registry = ClientRegistry.load(config.clientsFile, { info: (m) => log.info(m), warn: (m) => log.warn(m) });
    registry.watch();
  }
  const audit = AuditLog.open({
    path: config.auditLogPath,
    maxBytes: config.auditMaxBytes,
    rotateDaily: config.auditRotateDaily,
  });
  const redis = config.redisUrl === undefined ? undefined : await connectRedis(config.redisUrl, log);
  if (redis !== undefined && !(await waitForRedis(redis, 2000))) log.warn('redis not reachable yet; rate limits follow RATE_LIMIT_FAIL_OPEN');
  let mcpClosed: Promise<void> = Promise.resolve();
  const rest = await buildApp({
    config,
    clients: registry,
    audit,
    logger: log,
    beforeClosingResources: () => mcpClosed,
    ...(redis === undefined ? {} : { redis }),
  });
  const { run, limits, authenticate, metrics } = rest.vtgw;
  const mcp = await buildMcpApp({
    operations,
    run,
    limits,
    authenticate,
    audit: {
      write: (entry) => {
        audit.write(entry);
        metrics.observe(entry);
      },
    },
    trustedClientHeader: config.trustedClientHeader,
    trustProxy: csv(config.trustProxy),
    maxResultBytes: config.upstreamMaxResponseBytes,
    logger: log,
    bodyLimit: config.bodyLimitBytes,
  });
  await rest.listen({ port: config.port, host: config.host });
  await mcp.listen({ port: config.mcpPort, host: config.host });
  const metricsServer = config.metricsPort === 0 ? undefined : await startMetricsServer(rest.vtgw.metrics, config.metricsPort, config.host);

  return {
    rest,
    mcp,
    metricsServer,
    log,
    async close() {
      // Both stop accepting at once; the REST app closes the shared audit log and pool only after MCP drained.
      // Keep-alive connections that finish their last request while draining are closed as they go idle.
      const sweeper = setInterval(() => {
        rest.server.closeIdleConnections();
        mcp.server.closeIdleConnections();
      }, 50);
      mcpClosed = mcp.close();
      await Promise.all([mcpClosed, rest.close()]).finally(() => clearInterval(sweeper));
      if (metricsServer !== undefined) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
    },
  };
}
