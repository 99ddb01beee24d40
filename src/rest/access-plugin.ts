import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../access/authenticate.js';
import type { RateLimits } from '../access/rate-limits.js';

export interface AccessPluginOptions {
  authenticate: Authenticator;
  limits: RateLimits;
  trustedClientHeader: string;
}

/** Before a body is even read: who is calling, and whether their read or write budget allows one more. */
async function accessPlugin(app: FastifyInstance, opts: AccessPluginOptions): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    const op = request.routeOptions.config.operation;
    if (op === undefined) return;
    const trusted = opts.trustedClientHeader === '' ? undefined : request.headers[opts.trustedClientHeader];
    request.client = opts.authenticate({
      authorization: request.headers.authorization,
      trustedClientId: typeof trusted === 'string' ? trusted : undefined,
      peerAddress: request.socket.remoteAddress ?? '',
    });
    reply.headers(await opts.limits.client(request.client, op.method === 'GET' ? 'read' : 'write'));
  });
}

export default fp(accessPlugin, { name: 'vt-gateway-access' });
