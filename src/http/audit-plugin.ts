import { Readable } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../core/core.js';
import { auditUnavailable, GatewayError } from '../errors.js';
import { callOf } from './call-state.js';

/** Set on an answer whose change may have been applied at VirusTotal but whose outcome line could not be written. */
export const OUTCOME_UNRECORDED_HEADER = 'x-vtgw-audit';

export interface AuditPluginOptions {
  core: Core;
  /** Path prefixes not worth a line: probes and Swagger UI's static files. */
  skip: readonly string[];
}

/**
 * Whether a request's answer goes without an audit line: protocol probes marked `unaudited` (their own answer to a
 * known client, or any answer that is not a refusal), and static files and probes under the `skip` prefixes unless
 * the answer is a refusal (4xx), which is always recorded. The anonymous limit counts exactly the requests this
 * leaves on the record.
 */
export function goesUnaudited(request: FastifyRequest, reply: FastifyReply, skip: readonly string[]): boolean {
  const refused = reply.statusCode >= 400 && reply.statusCode < 500;
  if (request.routeOptions.config.unaudited === true) return !refused || callOf(request).client !== null;
  return !refused && skip.some((prefix) => request.url.startsWith(prefix));
}

/**
 * Writes the audit line in onSend, before the first byte of the response leaves: a caller never holds an answer
 * whose request is not on the record. If the line cannot be written, the answer becomes a 503 instead. Lines of the
 * answers ready in one turn of the event loop go to the file in one write (group commit).
 */
async function auditPlugin(app: FastifyInstance, opts: AuditPluginOptions): Promise<void> {
  const { core } = opts;
  app.addHook('onSend', (request, reply, payload, done) => {
    if (goesUnaudited(request, reply, opts.skip)) {
      done(null, payload);
      return;
    }
    const call = callOf(request);
    if (payload instanceof Readable) {
      // The status is on the record as sent. If VirusTotal's body breaks off after bytes left, say so too;
      // before any byte left, the error handler answers 502 instead and that gets its own line.
      payload.once('error', (err) => {
        if (!reply.raw.headersSent) return;
        call.error = err instanceof GatewayError ? err : new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', "VirusTotal's response broke off mid-body");
        core.record(call, reply.statusCode, () => {});
      });
    }
    core.record(call, reply.statusCode, (err) => {
      if (err === null) {
        done(null, payload);
        return;
      }
      if (call.intentRecorded) {
        // The change may have been applied: an answer claiming nothing happened would be false. The intent line holds it.
        reply.header(OUTCOME_UNRECORDED_HEADER, 'outcome-unrecorded');
        done(null, payload);
        return;
      }
      if (payload instanceof Readable) payload.destroy();
      const failed = auditUnavailable();
      reply.code(failed.statusCode).headers(failed.headers).type('application/json');
      done(null, failed.json());
    });
  });
}

export default fp(auditPlugin, { name: 'vt-gateway-audit', dependencies: ['vt-gateway-call-state'] });
