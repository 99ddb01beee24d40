import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

export interface ReadinessCheck {
  name: string;
  /** Resolves to undefined when ready, else a short reason. */
  check: () => Promise<string | undefined> | string | undefined;
}

/**
 * `/healthz` says the process is alive; `/readyz` says it can serve: every check passes. Neither needs a client
 * token nor counts against a rate limit, so an orchestrator can always ask.
 */
async function healthPlugin(app: FastifyInstance, opts: { checks: ReadinessCheck[] }): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const failures: Record<string, string> = {};
    for (const { name, check } of opts.checks) {
      const problem = await check();
      if (problem !== undefined) failures[name] = problem;
    }
    const ready = Object.keys(failures).length === 0;
    return reply.code(ready ? 200 : 503).send(ready ? { status: 'ready' } : { status: 'not ready', failures });
  });
}

export default fp(healthPlugin, { name: 'vt-gateway-health' });
