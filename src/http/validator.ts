import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, ValueErrorType, type ValueError } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler } from 'fastify';
import { GatewayError } from '../errors.js';

const PART_NAMES: Record<string, string> = {
  body: 'request body',
  querystring: 'query parameter',
  params: 'path parameter',
  headers: 'header',
};

/** Limits the gateway sets where VirusTotal documents none: a schema's `x-gateway-policy` says so in the message. */
const POLICY_ERRORS: ReadonlySet<ValueErrorType> = new Set([ValueErrorType.ArrayMaxItems, ValueErrorType.ObjectMinProperties]);
const MAXIMUM_ERRORS: ReadonlySet<ValueErrorType> = new Set([ValueErrorType.IntegerMaximum, ValueErrorType.NumberMaximum]);

function fieldOf(error: ValueError): string {
  if (error.path === '') return '';
  const field = error.path
    .slice(1)
    .split('/')
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
  return ` "${field}"`;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

export function describeValueError(error: ValueError): string {
  const schema: TSchema = error.schema;
  const allowed = stringList(schema.enum);
  const policy: unknown = schema['x-gateway-policy'];
  let reason: string;
  if (allowed !== undefined) {
    reason = `must be one of ${allowed.join(', ')}`;
  } else if (typeof policy === 'string' && POLICY_ERRORS.has(error.type)) {
    reason = `gateway policy: ${policy}`;
  } else if (typeof schema.pattern === 'string' && typeof schema.description === 'string') {
    reason = `has an invalid value; expected ${schema.description.replace(/\.$/, '')}`;
  } else {
    reason = error.message.charAt(0).toLowerCase() + error.message.slice(1);
  }
  return `${fieldOf(error)}: ${reason}`;
}

/**
 * How the gateway refuses a value that breaks its schema: 400 InvalidArgumentError naming the field, unless the
 * schema says VirusTotal answers that case differently (`x-above-maximum`: `limit` over 40 is VirusTotal's
 * BadRequestError "Limit can't be larger than 40"), in which case the gateway answers as VirusTotal would.
 */
export function refusalOf(error: ValueError, what: string): GatewayError {
  const aboveMaximum: unknown = error.schema['x-above-maximum'];
  if (typeof aboveMaximum === 'string' && MAXIMUM_ERRORS.has(error.type)) return new GatewayError('GW_ERR_BAD_REQUEST', aboveMaximum);
  return new GatewayError('GW_ERR_INVALID_ARGUMENT', `${what}${describeValueError(error)}`);
}

/** A query string's problems that are not a value's: a name the operation does not take, or one sent twice. */
function queryNameProblem(schema: TSchema, query: unknown): GatewayError | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const known: unknown = schema.properties;
  const names = typeof known === 'object' && known !== null ? Object.keys(known) : [];
  for (const [name, value] of Object.entries(query)) {
    if (!names.includes(name)) {
      const allowed = names.length === 0 ? 'this operation takes none' : `allowed: ${names.join(', ')}`;
      return new GatewayError('GW_ERR_INVALID_ARGUMENT', `Unknown query parameter "${name.slice(0, 64)}" (${allowed})`);
    }
    if (Array.isArray(value)) return new GatewayError('GW_ERR_INVALID_ARGUMENT', `Query parameter "${name}" given more than once`);
  }
  return undefined;
}

/**
 * Schemas are compiled once, at start, by TypeBox. Bodies are checked as sent (no coercion: "10" is not 10) and
 * leave as the operation forwards them; query values are strings on the wire and converted first; path parameters
 * are strings in every schema. Every refusal is a GatewayError, so it leaves in VirusTotal's shape.
 */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  const part = PART_NAMES[httpPart ?? 'body'] ?? 'request';
  const isQuery = httpPart === 'querystring';
  const isBody = httpPart === undefined || httpPart === 'body';
  return (value: unknown) => {
    if (isQuery) {
      const problem = queryNameProblem(schema, value);
      if (problem !== undefined) return { error: problem };
    }
    // Fastify hands a missing body over as null.
    if (isBody && (value === null || value === undefined)) return { error: new GatewayError('GW_ERR_INVALID_ARGUMENT', 'Invalid request body: request body is required') };
    const candidate = isQuery ? Value.Convert(schema, value) : value;
    if (check.Check(candidate)) return { value: candidate };
    const first = check.Errors(candidate).First();
    return { error: first === undefined ? new GatewayError('GW_ERR_INVALID_ARGUMENT', `Invalid ${part}`) : refusalOf(first, `Invalid ${part}`) };
  };
};
