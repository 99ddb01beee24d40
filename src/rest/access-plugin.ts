import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { readCredentials } from '../access/credentials.js';
import type { Operation } from '../catalog/operation.js';
import type { CallRecord } from '../core/call-record.js';
import type { Core } from '../core/core.js';
import { callOf } from '../http/call-state.js';
import type { Client } from '../security/client.js';

/** Before a body is even read: who is calling, and whether their read or write budget allows one more. */
async function accessPlugin(app: FastifyInstance, opts: { core: Core }): Promise<void> {
  const { core } = opts;
  // A callback hook, not an async one: with static tokens and in-memory limits the whole check is synchronous.
  app.addHook('onRequest', (request, reply, done) => {
    const op = request.routeOptions.config.operation;
    if (op === undefined) {
      done();
      return;
    }
    const call = callOf(request);
    call.operation = op;
    const params = request.params;
    call.params = typeof params === 'object' && params !== null ? { ...params } : {};
    let client: ReturnType<Core['authenticate']>;
    try {
      client = core.authenticate(readCredentials(request.headers, request.socket, core.config));
    } catch (err) {
      done(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (client instanceof Promise) client.then((signed) => admit(core, call, op, signed, reply, done), done);
    else admit(core, call, op, client, reply, done);
  });
}

function admit(core: Core, call: CallRecord, op: Operation, client: Client, reply: FastifyReply, done: (err?: Error) => void): void {
  let headers: ReturnType<Core['admit']>;
  try {
    call.client = client;
    headers = core.admit(client, op);
  } catch (err) {
    done(err instanceof Error ? err : new Error(String(err)));
    return;
  }
  if (headers instanceof Promise) {
    headers.then((counted) => {
      reply.headers(counted);
      done();
    }, done);
    return;
  }
  reply.headers(headers);
  done();
}

export default fp(accessPlugin, { name: 'vt-gateway-access', dependencies: ['vt-gateway-call-state'] });
