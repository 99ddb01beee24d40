import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import type { Operation } from '../catalog/operation.js';
import { ErrorBody } from '../catalog/responses.js';

function errorResponse(description: string): TSchema {
  return Type.Object(ErrorBody.properties, { description });
}

const COMMON_ERRORS: Record<number, string> = {
  400: 'Invalid request (`BadRequestError`, `InvalidArgumentError`): refused by the gateway before anything was sent, or by VirusTotal.',
  401: 'Missing or wrong credentials (`AuthenticationRequiredError`, `WrongCredentialsError`).',
  403: 'The caller may not perform this operation (`ForbiddenError`).',
  404: 'Group, user, relationship or threat profile not found (`NotFoundError`).',
  409: 'The resource already exists (`AlreadyExistsError`), e.g. a user who belongs to another group.',
  429: 'A rate limit or VirusTotal quota was exceeded (`TooManyRequestsError`, `QuotaExceededError`).',
  502: 'VirusTotal could not be reached or gave an unusable answer (`BadGatewayError`).',
  503: 'The gateway or VirusTotal is temporarily unavailable (`TransientError`).',
  504: 'VirusTotal did not answer in time (`DeadlineExceededError`).',
};

/** The Fastify route schema of an operation: validation and the OpenAPI description come from the same values. */
export function routeSchema(op: Operation): FastifySchema {
  const response: Record<string, TSchema> = { 200: op.response };
  for (const [status, description] of Object.entries(COMMON_ERRORS)) {
    if (status === '409' && op.method === 'GET') continue;
    response[status] = errorResponse(description);
  }
  return {
    operationId: op.name,
    summary: op.summary,
    description: op.description,
    tags: [op.tag],
    params: op.params,
    ...(op.query === undefined ? {} : { querystring: op.query }),
    ...(op.body === undefined ? {} : { body: op.body }),
    response,
    security: [{ bearerAuth: [] }],
  } as FastifySchema;
}
