import { hash } from 'node:crypto';
import { Readable } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditTargets, changeSummary } from '../access/change-summary.js';
import { auditOutcome } from '../access/audit-outcome.js';
import type { AuditEntry } from '../audit/audit-entry.js';
import type { AuditLog } from '../audit/audit-log.js';
import { GatewayError, vtErrorBody } from '../errors.js';

export interface AuditPluginOptions {
  audit: Pick<AuditLog, 'write' | 'enqueue'>;
  /** Path prefixes not worth a line: probes, metrics and Swagger UI's static files. */
  skip: readonly string[];
  /** Called with every entry once it is on the record (metrics count requests from it). */
  onRecorded: (entry: AuditEntry) => void;
  onWriteFailure: (err: unknown) => void;
}

const AUDIT_FAILED = JSON.stringify(vtErrorBody('TransientError', 'The audit log could not be written; nothing was recorded as done'));

function entryFor(request: FastifyRequest, reply: FastifyReply): AuditEntry {
  const op = request.routeOptions.config.operation ?? null;
  const input = request.input ?? null;
  // A request Fastify refused before routing (malformed URL) has not been given the gateway's decorations.
  const upstreamStatus = request.upstreamStatus ?? null;
  const upstreamMs = request.upstreamMs ?? null;
  const gatewayError = request.gatewayError ?? null;
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
    outcome: auditOutcome(reply.statusCode, gatewayError, upstreamStatus),
    status: reply.statusCode,
    upstreamStatus,
    errorCode: gatewayError?.vtCode ?? null,
    durationMs: Number.isFinite(reply.elapsedTime) ? Math.round(reply.elapsedTime * 100) / 100 : 0,
    upstreamMs: upstreamMs === null ? null : Math.round(upstreamMs * 100) / 100,
  };
  if (op !== null && input !== null && op.body !== undefined) {
    const change = changeSummary(op, input);
    if (change !== undefined) entry.change = change;
    entry.bodySha256 = hash('sha256', input.bodyJson ?? JSON.stringify(input.body), 'hex');
  }
  return entry;
}

/**
 * Writes the audit line in onSend, before the first byte of the response leaves: a caller never holds an answer
 * whose request is not on the record. If the line cannot be written, the answer becomes a 503 instead. Lines of the
 * answers ready in one turn of the event loop go to the file in one write (AuditLog.enqueue).
 */
async function auditPlugin(app: FastifyInstance, opts: AuditPluginOptions): Promise<void> {
  const recorded = (request: FastifyRequest, entry: AuditEntry, err: Error | null): boolean => {
    if (err === null) {
      opts.onRecorded(entry);
      return true;
    }
    opts.onWriteFailure(err);
    request.log.error({ err }, 'audit write failed');
    return false;
  };
  const record = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const entry = entryFor(request, reply);
    try {
      opts.audit.write(entry);
    } catch (err) {
      return recorded(request, entry, err as Error);
    }
    return recorded(request, entry, null);
  };
  // Fastify answers a malformed URL before routing, without onSend hooks: its handler records through this.
  app.decorate('auditRequest', record);

  app.addHook('onSend', (request, reply, payload, done) => {
    if (opts.skip.some((prefix) => request.url.startsWith(prefix))) {
      done(null, payload);
      return;
    }
    const entry = entryFor(request, reply);
    if (payload instanceof Readable) {
      // The status is on the record as sent. If VirusTotal's body breaks off after bytes left, say so too;
      // before any byte left, Fastify's error handler answers 502 instead and that gets its own line.
      payload.once('error', () => {
        if (!reply.raw.headersSent) return;
        request.gatewayError = new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', "VirusTotal's response broke off mid-body");
        record(request, reply);
      });
    }
    opts.audit.enqueue(entry, (err) => {
      if (recorded(request, entry, err)) {
        done(null, payload);
        return;
      }
      if (payload instanceof Readable) payload.destroy();
      reply.code(503).header('content-type', 'application/json').header('retry-after', '5');
      done(null, AUDIT_FAILED);
    });
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    auditRequest?: (request: FastifyRequest, reply: FastifyReply) => boolean;
  }
}

export default fp(auditPlugin, { name: 'vt-gateway-audit' });
