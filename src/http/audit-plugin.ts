import { Readable } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
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
 * Writes the audit line in onSend, before the first byte of the response leaves: a caller never holds an answer
 * whose request is not on the record. If the line cannot be written, the answer becomes a 503 instead. Lines of the
 * answers ready in one turn of the event loop go to the file in one write (group commit).
 */
async function auditPlugin(app: FastifyInstance, opts: AuditPluginOptions): Promise<void> {
  const { core } = opts;
  app.addHook('onSend', (request, reply, payload, done) => {
    // Static files and probes are not worth a line (a probe's 503 included), but a refusal (4xx) is a refusal.
    const refused = reply.statusCode >= 400 && reply.statusCode < 500;
    const skipped = !refused && opts.skip.some((prefix) => request.url.startsWith(prefix));
    if (request.routeOptions.config.unaudited === true || skipped) {
      done(null, payload);
      return;
    }
    const call = callOf(request);
    if (payload instanceof Readable) {
      // The status is on the record as sent. If VirusTotal's body breaks off after bytes left, say so too;
      // before any byte left, the error handler answers 502 instead and that gets its own line.
      payload.once('error', () => {
        if (!reply.raw.headersSent) return;
        call.error = new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', "VirusTotal's response broke off mid-body");
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
