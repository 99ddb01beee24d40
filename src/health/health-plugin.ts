import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { ReadinessFailures } from '../core/core.js';

/**
 * `/healthz` says the process is alive; `/readyz` says it can serve: every check passes. Neither needs a client
 * token nor counts against a rate limit, so an orchestrator can always ask.
 */
async function healthPlugin(
  app: FastifyInstance,
  opts: { readiness: () => Promise<ReadinessFailures>; notes?: () => Record<string, string> },
): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const failures = await opts.readiness();
    const ready = Object.keys(failures).length === 0;
    // Degraded but serving (an identity provider down with its keys cached, a broken key file with the last good key).
    const notes = opts.notes?.() ?? {};
    const noted = Object.keys(notes).length === 0 ? {} : { notes };
    return reply.code(ready ? 200 : 503).send(ready ? { status: 'ready', ...noted } : { status: 'not ready', failures, ...noted });
  });
}

export default fp(healthPlugin, { name: 'vt-gateway-health' });
