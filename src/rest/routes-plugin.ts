import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Operation, ValidatedInput } from '../catalog/operation.js';
import { GatewayError } from '../errors.js';
import type { OperationRunner } from '../operations/runner.js';
import { routeSchema } from './route-schema.js';

export interface RestRoutesOptions {
  operations: readonly Operation[];
  run: OperationRunner;
}

function toFastifyPath(path: string): string {
  return path.replace(/\{([a-z_]+)\}/g, ':$1');
}

/** One route per catalog operation and nothing else: there is no catch-all proxy route. */
export async function restRoutes(app: FastifyInstance, opts: RestRoutesOptions): Promise<void> {
  for (const op of opts.operations) {
    const route: RouteOptions = {
      method: op.method,
      url: toFastifyPath(op.path),
      schema: routeSchema(op),
      config: { operation: op },
      // Not an async function: a handler's promise resolved with the reply makes Fastify watch the response
      // stream for its end (reply.then), work that every request would pay for nothing.
      handler: (request: FastifyRequest, reply: FastifyReply): void => {
        if (request.client === null) {
          reply.send(new GatewayError('GW_ERR_AUTH_REQUIRED', 'Not authenticated'));
          return;
        }
        const input: ValidatedInput = {
          params: request.params as Record<string, string>,
          query: (request.query ?? {}) as Record<string, unknown>,
          body: request.body,
        };
        request.input = input;
        opts
          .run(op, input, { client: request.client, requestId: request.id })
          .then((upstream) => {
            request.upstreamMs = upstream.upstreamMs;
            request.upstreamStatus = upstream.statusCode;
            reply.code(upstream.statusCode);
            if (upstream.contentType !== undefined) reply.header('content-type', upstream.contentType);
            if (upstream.retryAfter !== undefined) reply.header('retry-after', upstream.retryAfter);
            // An empty answer stays empty: no body, and no content type invented for it.
            reply.send(Buffer.isBuffer(upstream.body) && upstream.body.length === 0 ? undefined : upstream.body);
          })
          .catch((err: unknown) => {
            if (reply.sent) request.log.error({ err }, 'error after the answer was sent');
            else reply.send(err);
          });
      },
    };
    app.route(route);
  }
}
