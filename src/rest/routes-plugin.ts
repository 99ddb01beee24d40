import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { GATEWAY_PREFIX, type Operation, type ValidatedInput } from '../catalog/operation.js';
import type { Core } from '../core/core.js';
import { callOf } from '../http/call-state.js';
import { routeSchema } from './route-schema.js';

function toFastifyPath(path: string): string {
  return path.replace(/\{([a-z_]+)\}/g, ':$1');
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value === 'object' && value !== null) {
    for (const [name, v] of Object.entries(value)) if (typeof v === 'string') out[name] = v;
  }
  return out;
}

function plainRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? { ...value } : {};
}

/**
 * One route per catalog operation and nothing else: there is no catch-all proxy route. Each operation is at its
 * gateway path, or with `operationPrefix` (the `/api/v3` alias) at VirusTotal's path under it, then left out of OpenAPI.
 */
export async function restRoutes(app: FastifyInstance, opts: { core: Core; operations: readonly Operation[]; operationPrefix?: string }): Promise<void> {
  const { core } = opts;
  const prefix = opts.operationPrefix ?? GATEWAY_PREFIX;
  for (const op of opts.operations) {
    const route: RouteOptions = {
      method: op.method,
      url: toFastifyPath(prefix === GATEWAY_PREFIX ? op.path : `${prefix}${op.upstreamPath}`),
      schema: prefix === GATEWAY_PREFIX ? routeSchema(op) : { ...routeSchema(op), hide: true },
      config: { operation: op },
      // Not an async function: a handler's promise resolved with the reply makes Fastify watch the response
      // stream for its end (reply.then), work that every request would pay for nothing.
      handler: (request: FastifyRequest, reply: FastifyReply): void => {
        const input: ValidatedInput = { params: stringRecord(request.params), query: plainRecord(request.query), body: request.body };
        const call = callOf(request);
        call.prefix = prefix;
        core
          .run(call, op, input)
          .then((upstream) => {
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
