import type { FastifyServerOptions } from 'fastify';
import { rawErrorResponse } from './raw-error-response.js';
import { requestIdFor } from './request-id.js';

/** What the REST and MCP servers share: request ids, no HEAD routes, 503 while closing, raw 400 for broken HTTP. */
export function gatewayServerOptions(
  trustProxy: readonly string[],
): Pick<FastifyServerOptions, 'genReqId' | 'exposeHeadRoutes' | 'return503OnClosing' | 'trustProxy' | 'clientErrorHandler'> {
  return {
    genReqId: requestIdFor,
    exposeHeadRoutes: false,
    return503OnClosing: true,
    trustProxy: trustProxy.length > 0 ? [...trustProxy] : false,
    clientErrorHandler: (_err, socket) => {
      if (socket.writable) socket.end(rawErrorResponse(400, 'Malformed HTTP request'));
    },
  };
}
