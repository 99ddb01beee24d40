import type { FastifyInstance } from 'fastify';
import { ALIAS_PREFIX, GATEWAY_PREFIX } from '../catalog/operation.js';
import { GatewayError } from '../errors.js';
import { callOf } from '../http/call-state.js';

/**
 * Registered under `/api/v3` while `API_V3_ALIAS` is off: a caller with VirusTotal's habits (vt-py, vt-go) learns
 * where to go instead of a bare 404. It adds no route: only what nothing else answers reaches it.
 */
export async function aliasOffNotice(app: FastifyInstance): Promise<void> {
  app.setNotFoundHandler((request, reply) => {
    const gw = new GatewayError(
      'GW_ERR_NOT_FOUND',
      `${ALIAS_PREFIX} is not served here: use ${GATEWAY_PREFIX} in its place, or have the operator turn on API_V3_ALIAS (with PUBLIC_BASE_URL)`,
    );
    callOf(request).error = gw;
    void reply.code(gw.statusCode).type('application/json').send(gw.json());
  });
}
