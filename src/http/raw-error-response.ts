import { vtErrorBody } from '../errors.js';

/** An answer written straight to a socket, for requests Node's HTTP parser refuses before Fastify sees them. */
export function rawErrorResponse(status: 400 | 405, message: string): string {
  const body = JSON.stringify(vtErrorBody(status === 405 ? 'NotFoundError' : 'BadRequestError', message));
  const reason = status === 405 ? 'Method Not Allowed' : 'Bad Request';
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
