import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VtErrorCode } from './errors.js';

/** 200 with a JSON body (`application/json; charset=utf-8`). */
export function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.code(200).send(body);
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
  return reply.code(statusCode).send(body);
}
