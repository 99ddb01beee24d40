import { Readable } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Core } from '../core/core.js';
import type { GatewayError } from '../errors.js';
import { goesUnaudited } from './audit-plugin.js';
import { callOf } from './call-state.js';

export interface AnonymousLimitPluginOptions {
  core: Core;
  /** The audit plugin's unaudited path prefixes: requests that cost no audit line are not counted either. */
  skip: readonly string[];
}

/**
 * Counts a call that no client answers for (no or wrong credentials, unknown route) against its source address, and
 * when the address is over its limit turns the call into a 429 refusal, recorded only if it is the window's first.
 */
export function refuseAnonymousOverLimit(core: Core, request: FastifyRequest): GatewayError | null {
  const call = callOf(request);
  if (call.client !== null) return null;
  const verdict = core.anonymous.count(request.ip);
  if (verdict.kind === 'allowed') return null;
  call.error = verdict.error;
  call.unrecorded = !verdict.recorded;
  return verdict.error;
}

/**
 * Runs in onSend just before the audit plugin: by then authentication has run (or the route was unknown), so only
 * calls nobody answers for are counted, and an authenticated client sharing the address is never refused by them.
 */
async function anonymousLimitPlugin(app: FastifyInstance, opts: AnonymousLimitPluginOptions): Promise<void> {
  const { core } = opts;
  app.addHook('onSend', (request, reply, payload, done) => {
    if (goesUnaudited(request, reply, opts.skip)) {
      done(null, payload);
      return;
    }
    const refused = refuseAnonymousOverLimit(core, request);
    if (refused === null) {
      done(null, payload);
      return;
    }
    if (payload instanceof Readable) payload.destroy();
    reply.code(refused.statusCode).headers(refused.headers).type('application/json');
    done(null, refused.json());
  });
}

export default fp(anonymousLimitPlugin, { name: 'vt-gateway-anonymous-limit', dependencies: ['vt-gateway-call-state'] });
