import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors.js';
import { callOf } from './call-state.js';
import { toGatewayError } from './framework-errors.js';

/** Every error the gateway answers itself, whatever raised it, leaves in VirusTotal's shape and on the call record. */
async function errorsPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((err, request, reply) => {
    const gw = toGatewayError(err);
    callOf(request).error = gw;
    if (gw.code === 'GW_ERR_INTERNAL') request.log.error({ err }, 'unhandled error');
    // An unauthenticated caller keeps no connection open: it cannot trickle bytes into the next request for free.
    if (gw.statusCode === 401) reply.header('connection', 'close');
    void reply.code(gw.statusCode).headers(gw.headers).type('application/json').send(gw.json());
  });

  app.setNotFoundHandler((request, reply) => {
    const gw = new GatewayError('GW_ERR_NOT_FOUND', `No operation at ${request.method} ${request.url.split('?')[0]?.slice(0, 200) ?? ''}`);
    callOf(request).error = gw;
    void reply.code(gw.statusCode).type('application/json').send(gw.json());
  });
}

export default fp(errorsPlugin, { name: 'vt-gateway-errors' });
