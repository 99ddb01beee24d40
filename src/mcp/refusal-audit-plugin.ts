import { Readable } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditOutcome } from '../access/audit-outcome.js';
import type { AuditEntry } from '../audit/audit-entry.js';
import type { AuditWriter } from '../audit/audit-log.js';
import { vtErrorBody } from '../errors.js';

export interface RefusalAuditOptions {
  audit: AuditWriter;
}

const AUDIT_FAILED = JSON.stringify(vtErrorBody('TransientError', 'The audit log could not be written; nothing was recorded as done'));

function refusalEntry(request: FastifyRequest, reply: FastifyReply): AuditEntry {
  return {
    time: new Date().toISOString(),
    requestId: request.id,
    channel: 'mcp',
    clientId: request.client?.id ?? null,
    clientIp: request.ip,
    operation: null,
    method: request.method,
    path: request.url.split('?', 1)[0] ?? '',
    targets: {},
    outcome: auditOutcome(reply.statusCode, request.gatewayError, null),
    status: reply.statusCode,
    upstreamStatus: null,
    errorCode: request.gatewayError?.vtCode ?? null,
    durationMs: Math.round(reply.elapsedTime * 100) / 100,
    upstreamMs: null,
  };
}

/**
 * Tool calls are audited one by one (see tool-call.ts); this records the HTTP requests the gateway refused before
 * any MCP processing: no or wrong token, malformed JSON, unknown paths. Served MCP exchanges never pass here:
 * their replies are hijacked by the transport.
 */
async function refusalAuditPlugin(app: FastifyInstance, opts: RefusalAuditOptions): Promise<void> {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.gatewayError === null) return payload;
    try {
      opts.audit.write(refusalEntry(request, reply));
      return payload;
    } catch (err) {
      request.log.error({ err }, 'audit write failed');
      if (payload instanceof Readable) payload.destroy();
      reply.code(503).header('content-type', 'application/json').header('retry-after', '5');
      return AUDIT_FAILED;
    }
  });
}

export default fp(refusalAuditPlugin, { name: 'vt-gateway-mcp-refusal-audit' });
