import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditTargets, changeSummary } from '../access/change-summary.js';
import { auditOutcome } from '../access/audit-outcome.js';
import type { AuditEntry } from '../audit/audit-entry.js';
import type { AuditLog } from '../audit/audit-log.js';
import { vtErrorBody } from '../errors.js';

export interface AuditPluginOptions {
  audit: AuditLog;
  /** Path prefixes not worth a line: probes, metrics and Swagger UI's static files. */
  skip: readonly string[];
  /** Called with every entry once it is on the record (metrics count requests from it). */
  onRecorded: (entry: AuditEntry) => void;
  onWriteFailure: (err: unknown) => void;
}

const AUDIT_FAILED = JSON.stringify(vtErrorBody('TransientError', 'The audit log could not be written; nothing was recorded as done'));

function entryFor(request: FastifyRequest, reply: FastifyReply): AuditEntry {
  const op = request.routeOptions.config.operation ?? null;
  const input = request.input;
  const entry: AuditEntry = {
    time: new Date().toISOString(),
    requestId: request.id,
    channel: 'rest',
    clientId: request.client?.id ?? null,
    clientIp: request.ip,
    operation: op?.name ?? null,
    method: request.method,
    path: request.url.split('?', 1)[0] ?? '',
    targets: auditTargets(op, (request.params ?? {}) as Record<string, string>),
    outcome: auditOutcome(reply.statusCode, request.gatewayError, request.upstreamStatus),
    status: reply.statusCode,
    upstreamStatus: request.upstreamStatus,
    errorCode: request.gatewayError?.vtCode ?? null,
    durationMs: Math.round(reply.elapsedTime * 100) / 100,
    upstreamMs: request.upstreamMs === null ? null : Math.round(request.upstreamMs * 100) / 100,
  };
  if (op !== null && input !== null && op.body !== undefined) {
    const change = changeSummary(op, input);
    if (change !== undefined) entry.change = change;
    entry.bodySha256 = createHash('sha256').update(JSON.stringify(input.body)).digest('hex');
  }
  return entry;
}

/**
 * Writes the audit line in onSend, before the first byte of the response leaves: a caller never holds an answer
 * whose request is not on the record. If the line cannot be written, the answer becomes a 503 instead.
 */
async function auditPlugin(app: FastifyInstance, opts: AuditPluginOptions): Promise<void> {
  app.addHook('onSend', async (request, reply, payload) => {
    if (opts.skip.some((prefix) => request.url.startsWith(prefix))) return payload;
    const entry = entryFor(request, reply);
    try {
      opts.audit.write(entry);
      opts.onRecorded(entry);
      return payload;
    } catch (err) {
      opts.onWriteFailure(err);
      request.log.error({ err }, 'audit write failed');
      if (payload instanceof Readable) payload.destroy();
      reply.code(503).header('content-type', 'application/json').header('retry-after', '5');
      return AUDIT_FAILED;
    }
  });
}

export default fp(auditPlugin, { name: 'vt-gateway-audit' });
