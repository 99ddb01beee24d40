import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../access/authenticate.js';
import type { Counted, RateLimits } from '../access/rate-limits.js';

export interface AccessPluginOptions {
  authenticate: Authenticator;
  limits: RateLimits;
  trustedClientHeader: string;
}

/** Before a body is even read: who is calling, and whether their read or write budget allows one more. */
async function accessPlugin(app: FastifyInstance, opts: AccessPluginOptions): Promise<void> {
  // A callback hook, not an async one: with in-memory limits the whole check is synchronous.
  app.addHook('onRequest', (request, reply, done) => {
    const op = request.routeOptions.config.operation;
    if (op === undefined) {
      done();
      return;
    }
    let counted: Counted<Record<string, string>>;
    try {
      const trusted = opts.trustedClientHeader === '' ? undefined : request.headers[opts.trustedClientHeader];
      request.client = opts.authenticate({
        authorization: request.headers.authorization,
        trustedClientId: typeof trusted === 'string' ? trusted : undefined,
        peerAddress: request.socket.remoteAddress ?? '',
      });
      counted = opts.limits.client(request.client, op.method === 'GET' ? 'read' : 'write');
    } catch (err) {
      done(err as Error);
      return;
    }
    if (counted instanceof Promise) {
      counted.then((headers) => {
        reply.headers(headers);
        done();
      }, done);
      return;
    }
    reply.headers(counted);
    done();
  });
}

export default fp(accessPlugin, { name: 'vt-gateway-access' });
