import type { FastifyError } from 'fastify';
import { codeForClientStatus, GatewayError } from '../errors.js';
import { nodeHttp } from './node-http.js';

const FRAMEWORK_ERRORS: Record<string, (err: FastifyError) => GatewayError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new GatewayError('GW_ERR_BAD_REQUEST', 'Unsupported Content-Type: send the body as application/json'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new GatewayError('GW_ERR_BAD_REQUEST', 'Request body is larger than the gateway accepts'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new GatewayError('GW_ERR_BAD_REQUEST', 'Request body is not valid JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new GatewayError('GW_ERR_INVALID_ARGUMENT', 'Invalid request body: request body is required'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new GatewayError('GW_ERR_BAD_REQUEST', 'Content-Length does not match the request body'),
  FST_ERR_BAD_URL: () => new GatewayError('GW_ERR_BAD_REQUEST', 'The request URL is malformed'),
  FST_ERR_VALIDATION: (err) => new GatewayError('GW_ERR_INVALID_ARGUMENT', err.message),
};

function isFastifyError(err: unknown): err is FastifyError {
  return err instanceof Error && typeof (err as Partial<FastifyError>).code === 'string';
}

/**
 * Maps anything thrown while serving a request to the gateway's error catalogue. Errors from Fastify are recognised
 * by code; an error from a plugin (static files, Swagger UI) that carries a 4xx status keeps that status.
 */
export function toGatewayError(err: unknown, unknown = internal): GatewayError {
  if (err instanceof GatewayError) return err;
  if (!(err instanceof Error)) return unknown();
  const fe: Partial<FastifyError> = err;
  if (fe.validation !== undefined) return new GatewayError('GW_ERR_INVALID_ARGUMENT', err.message);
  const mapped = isFastifyError(err) ? FRAMEWORK_ERRORS[err.code] : undefined;
  if (mapped !== undefined && isFastifyError(err)) return mapped(err);
  if (err instanceof SyntaxError) return new GatewayError('GW_ERR_BAD_REQUEST', 'Request body is not valid JSON');
  const status = fe.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new GatewayError(codeForClientStatus(status) ?? 'GW_ERR_BAD_REQUEST', nodeHttp.STATUS_CODES[status] ?? 'Bad request');
  }
  return unknown();
}

function internal(): GatewayError {
  return new GatewayError('GW_ERR_INTERNAL', 'The gateway failed to handle the request');
}

/** What Fastify refuses before routing (a malformed URL, a parameter over the router's length) is the caller's fault. */
export function badRequest(): GatewayError {
  return new GatewayError('GW_ERR_BAD_REQUEST', 'Bad request');
}
