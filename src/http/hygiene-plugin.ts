import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

async function hygienePlugin(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
    done();
  });
}

/** Headers every response carries: the request id, `nosniff`, and no caching of group data. */
export default fp(hygienePlugin, { name: 'vt-gateway-hygiene' });
