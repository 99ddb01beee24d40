import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import type { Operation } from '../catalog/operation.js';
import { ErrorBody, responseComponents } from '../catalog/responses.js';

/** A schema with an `$id` by reference to the shared schema of that name (an OpenAPI component); others as they are. */
function named(schema: TSchema, options: Record<string, unknown> = {}): TSchema {
  return schema.$id === undefined ? schema : Type.Ref(schema.$id, options);
}

/** A failure every operation may answer, with an example of it. */
export interface DocumentedError {
  description: string;
  example: { error: { code: string; message: string } };
}

const failure = (description: string, code: string, message: string): DocumentedError => ({ description, example: { error: { code, message } } });

export const COMMON_ERRORS: Readonly<Record<string, DocumentedError>> = {
  400: failure(
    'Invalid request (`BadRequestError`, `InvalidArgumentError`): refused by the gateway before anything was sent, or by VirusTotal.',
    'InvalidArgumentError',
    'Invalid path parameter "id": has an invalid value; expected Group ID (My Group → Group preferences in VirusTotal), e.g. `my_group_id`',
  ),
  401: failure('Missing or wrong credentials (`AuthenticationRequiredError`, `WrongCredentialsError`).', 'AuthenticationRequiredError', 'Not authenticated'),
  403: failure(
    'The caller may not perform this operation (`ForbiddenError`).',
    'ForbiddenError',
    'Client "reporting" lacks the scope "groups:write" needed for patchGroupUsers',
  ),
  404: failure('Group, user, relationship or threat profile not found (`NotFoundError`).', 'NotFoundError', 'Group "no_such_group" not found'),
  409: failure(
    'The resource already exists (`AlreadyExistsError`), e.g. a user who belongs to another group.',
    'AlreadyExistsError',
    'User "new_user@example.com" already belongs to a group',
  ),
  429: failure(
    'A rate limit or VirusTotal quota was exceeded (`TooManyRequestsError`, `QuotaExceededError`).',
    'TooManyRequestsError',
    'Client "reporting" exceeded its read budget of 600 per minute; retry in 42 s',
  ),
  502: failure(
    'VirusTotal could not be reached or gave an unusable answer (`BadGatewayError`).',
    'BadGatewayError',
    'VirusTotal could not be reached (connect timeout)',
  ),
  503: failure(
    'The gateway or VirusTotal is temporarily unavailable (`TransientError`).',
    'TransientError',
    'The gateway is overloaded (event loop delay); retry shortly',
  ),
  504: failure('VirusTotal did not answer in time (`DeadlineExceededError`).', 'DeadlineExceededError', 'VirusTotal did not answer in time'),
};

/** The error statuses an operation documents: a GET creates nothing, so it never answers 409. */
export function errorStatuses(op: Operation): string[] {
  return Object.keys(COMMON_ERRORS).filter((status) => !(status === '409' && op.method === 'GET'));
}

/**
 * The Fastify route schema of an operation: validation and the OpenAPI description come from the same values. Named
 * schemas appear by reference, to the shared schemas `sharedSchemas` lists (OpenAPI's components); the examples
 * OpenAPI shows next to them are added to the document by the OpenAPI plugin.
 */
export function routeSchema(op: Operation): FastifySchema {
  const response: Record<string, TSchema> = { 200: named(op.response) };
  for (const status of errorStatuses(op)) response[status] = named(ErrorBody, { description: COMMON_ERRORS[status]?.description });
  return {
    operationId: op.name,
    summary: op.summary,
    description: op.description,
    tags: [op.tag],
    params: op.params,
    ...(op.query === undefined ? {} : { querystring: op.query }),
    ...(op.body === undefined ? {} : { body: named(op.body) }),
    response,
    security: [{ bearerAuth: [] }],
  } as FastifySchema;
}

/** The operations' bodies by `$id`: what their route schemas refer to, and what validation compiles in its place. */
export function bodiesById(operations: readonly Operation[]): Map<string, TSchema> {
  const bodies = new Map<string, TSchema>();
  for (const op of operations) {
    const id = op.body?.$id;
    if (op.body === undefined || id === undefined) continue;
    const known = bodies.get(id);
    if (known !== undefined && known !== op.body) throw new Error(`Two request body schemas share the $id "${id}"`);
    bodies.set(id, op.body);
  }
  return bodies;
}

/** Every schema route schemas refer to by `$id` (OpenAPI's components): the named answers and the operations' bodies. */
export function sharedSchemas(operations: readonly Operation[]): TSchema[] {
  return [...responseComponents, ...bodiesById(operations).values()];
}

/** The schema a `$ref` names, when `named` holds it; any other schema as it is. */
export function referredTo(schema: TSchema, named: ReadonlyMap<string, TSchema>): TSchema {
  return typeof schema.$ref === 'string' ? (named.get(schema.$ref) ?? schema) : schema;
}
