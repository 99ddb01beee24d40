import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VtErrorCode } from './errors.js';

// VirusTotal answers with a bare `application/json` (no charset); clients match on it.
const JSON_TYPE = 'application/json';

export function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.code(200).header('content-type', JSON_TYPE).send(JSON.stringify(body));
}

/** VirusTotal's write operations answer 200 with an empty body. */
export function sendEmpty(reply: FastifyReply): FastifyReply {
  return reply.code(200).send();
}

export interface ErrorReplyOptions {
  echoHeaders: boolean;
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  statusCode: number,
  code: VtErrorCode,
  message: string,
  options: ErrorReplyOptions,
): FastifyReply {
  const body: Record<string, unknown> = { error: { code, message } };
  if (options.echoHeaders) body['received_headers'] = { ...request.headers };
  return reply.code(statusCode).header('content-type', JSON_TYPE).send(JSON.stringify(body));
}
