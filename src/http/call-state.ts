import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Channel } from '../audit/audit-entry.js';
import type { Operation } from '../catalog/operation.js';
import { newCallRecord, type CallRecord } from '../core/call-record.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    operation?: Operation;
    /** Protocol answers that are not requests of anyone's (MCP's 405 to a client probing for a stream). */
    unaudited?: boolean;
  }
  interface FastifyRequest {
    /** What this request is, as the audit line will tell it; null until the first hook ran. */
    call: CallRecord | null;
  }
  interface FastifyInstance {
    /** The channel this server serves, recorded in every call it makes. */
    channel: Channel;
  }
}

/**
 * A caller's connection that is closed or half-closed: nobody is left to read an answer on it. Compared with
 * `=== true/false` since an injected request's stand-in socket has neither property.
 */
export function socketGone(socket: Socket | null): boolean {
  return socket === null || socket.destroyed === true || socket.writable === false;
}

function withoutQuery(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The request's call record, made on first use: Fastify may answer (a malformed URL) before any hook ran. */
export function callOf(request: FastifyRequest): CallRecord {
  request.call ??= newCallRecord({
    requestId: request.id,
    channel: request.server.channel,
    clientIp: request.ip,
    method: request.method,
    path: withoutQuery(request.url),
    callerGone: () => socketGone(request.raw.socket),
  });
  return request.call;
}

/** Every request of this server carries one call record, begun before anything else looks at it. */
async function callState(app: FastifyInstance, opts: { channel: Channel }): Promise<void> {
  app.decorate('channel', opts.channel);
  app.decorateRequest('call', null);
  app.addHook('onRequest', (request, _reply, done) => {
    callOf(request);
    done();
  });
}

export default fp(callState, { name: 'vt-gateway-call-state' });
