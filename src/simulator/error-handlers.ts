import type { FastifyInstance } from 'fastify';
import { VtError } from './errors.js';
import { sendError, type ErrorReplyOptions } from './replies.js';

function statusCodeOf(error: unknown): number | undefined {
  if (!(error instanceof Error) || !('statusCode' in error)) return undefined;
  return typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

/** Every error the simulator gives, its own or Fastify's, leaves in VirusTotal's error shape. */
export function installErrorHandlers(app: FastifyInstance, options: ErrorReplyOptions): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof VtError) {
      return sendError(request, reply, error.statusCode, error.code, error.message, options);
    }
    const statusCode = statusCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
      return sendError(request, reply, statusCode, 'BadRequestError', message, options);
    }
    // Only a simulator bug gets here; the message helps whoever is debugging the test that hit it.
    return sendError(request, reply, 503, 'TransientError', `Simulator failure: ${message}`, options);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return sendError(request, reply, 404, 'NotFoundError', `Resource "${request.method} ${path}" not found`, options);
  });
}
