import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { GatewayError, vtErrorBody } from '../errors.js';
import { toGatewayError } from './error-reply.js';

/** Every error the gateway answers itself, whatever raised it, leaves in VirusTotal's shape. */
async function errorsPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((err, request, reply) => {
    const gw = toGatewayError(err);
    request.gatewayError = gw;
    if (gw.statusCode >= 500 && gw.code === 'GW_ERR_INTERNAL') request.log.error({ err }, 'unhandled error');
    void reply.code(gw.statusCode).headers(gw.headers).send(vtErrorBody(gw.vtCode, gw.message));
  });

  app.setNotFoundHandler((request, reply) => {
    const gw = new GatewayError('GW_ERR_NOT_FOUND', `No operation at ${request.method} ${request.url.split('?')[0]?.slice(0, 200) ?? ''}`);
    request.gatewayError = gw;
    void reply.code(gw.statusCode).send(vtErrorBody(gw.vtCode, gw.message));
  });
}

export default fp(errorsPlugin, { name: 'vt-gateway-errors' });
