import type http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { createCore, type Core, type CoreDeps, type RuntimeConfig } from './core/core.js';
import { connectionCaps, openFilesLimit, surviveAcceptErrors } from './http/connection-limits.js';
import { buildMcpApp } from './mcp/mcp-server.js';
import { startMetricsServer } from './metrics/metrics-server.js';
import { effectiveConfigSummary } from './config-digest.js';
import { version } from './version.js';
import { buildRestApp } from './rest/rest-app.js';

export interface RunningGateway {
  core: Core;
  rest: FastifyInstance;
  mcp: FastifyInstance;
  metricsServer: http.Server | undefined;
  log: Logger;
  /** Stops accepting, lets in-flight requests of both channels finish, then closes the core. */
  close(): Promise<void>;
}

/** Everything `npm start` and `npm run demo` share: the core, then its channels, listening. */
export async function startGateway(config: RuntimeConfig, deps: Partial<CoreDeps> = {}): Promise<RunningGateway> {
  const log = deps.log ?? pino({ level: config.logLevel });
  const { caps, lowered } = connectionCaps(config, openFilesLimit());
  if (lowered !== undefined) log.warn(lowered);
  const core = await createCore(config, { ...deps, log });
  await core.recordEvent('start', { version, node: process.version, ...effectiveConfigSummary(config) });
  const rest = await buildRestApp(core, { logger: log });
  const mcp = await buildMcpApp(core, { logger: log });
  rest.server.maxConnections = caps.rest;
  mcp.server.maxConnections = caps.mcp;
  await rest.listen({ port: config.port, host: config.host });
  await mcp.listen({ port: config.mcpPort, host: config.host });
  const metricsServer =
    config.metricsPort === 0 ? undefined : await startMetricsServer(core.metrics, config.metricsPort, config.host, caps.metrics, () => core.latestAuditCheckpoint());
  for (const server of [rest.server, mcp.server, metricsServer]) {
    if (server !== undefined) surviveAcceptErrors(server, (err) => log.error({ err: err.message }, 'could not accept a connection'));
  }

  return {
    core,
    rest,
    mcp,
    metricsServer,
    log,
    async close() {
      // Keep-alive connections that finish their last request while draining are closed as they go idle.
      const sweeper = setInterval(() => {
        rest.server.closeIdleConnections();
        mcp.server.closeIdleConnections();
      }, 50);
      await Promise.all([rest.close(), mcp.close()]).finally(() => clearInterval(sweeper));
      if (metricsServer !== undefined) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      await core.close();
    },
  };
}
