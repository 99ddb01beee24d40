import type { TSchema } from '@sinclair/typebox';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Core } from '../core/core.js';
import openApiPlugin from '../docs/openapi-plugin.js';
import healthPlugin from '../health/health-plugin.js';
import { buildChannelServer } from '../http/channel-server.js';
import corsPlugin from '../http/cors-plugin.js';
import pressurePlugin from '../http/pressure-plugin.js';
import { typeboxValidatorCompiler } from '../http/validator.js';
import { listOf } from '../core/core.js';
import { ALIAS_PREFIX } from '../catalog/operation.js';
import { version } from '../version.js';
import accessPlugin from './access-plugin.js';
import { aliasOffNotice } from './alias-off-notice.js';
import { restRoutes } from './routes-plugin.js';
import { bodiesById, referredTo, sharedSchemas } from './route-schema.js';

/** The REST face of the gateway (not listening): every catalog operation under its gateway path, OpenAPI, probes. */
export async function buildRestApp(core: Core, opts: { logger: FastifyBaseLogger | false }): Promise<FastifyInstance> {
  const { config } = core;
  const app = await buildChannelServer(core, {
    channel: 'rest',
    logger: opts.logger,
    unaudited: ['/healthz', '/readyz', `${config.basePath}/docs/static/`],
    routerOptions: { maxParamLength: 512 },
  });
  // Route schemas name their bodies by reference (for OpenAPI): validation compiles the very schema referred to.
  const bodies = bodiesById(core.operations);
  app.setValidatorCompiler<TSchema>((route) => typeboxValidatorCompiler({ ...route, schema: referredTo(route.schema, bodies) }));
  // Response schemas are documentation (OpenAPI): VirusTotal's bytes pass back unchanged and errors leave already
  // serialised, so no answer is shaped by its schema. Compiling one serializer per route and status took ~200 ms at start.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(pressurePlugin, { maxEventLoopDelayMs: config.maxEventLoopDelayMs, maxHeapUsedBytes: config.maxHeapUsedBytes });
  await app.register(corsPlugin, { origins: listOf(config.corsOrigins) });
  await app.register(accessPlugin, { core });
  await app.register(healthPlugin, { readiness: () => core.readiness(), notes: () => core.readinessNotes() });
  await app.register(
    async (scope) => {
      for (const schema of sharedSchemas(core.operations)) scope.addSchema(schema);
      await scope.register(openApiPlugin, { version, serverUrl: config.basePath === '' ? '/' : config.basePath, operations: core.operations });
      await scope.register(restRoutes, { core, operations: core.operations });
      if (config.apiV3Alias) await scope.register(restRoutes, { core, operations: core.operations, operationPrefix: ALIAS_PREFIX });
      else await scope.register(aliasOffNotice, { prefix: ALIAS_PREFIX });
    },
    { prefix: config.basePath },
  );
  return app;
}
