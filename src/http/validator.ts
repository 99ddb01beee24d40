import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler } from 'fastify';

const PART_NAMES: Record<string, string> = {
  body: 'request body',
  querystring: 'query parameter',
  params: 'path parameter',
  headers: 'header',
};

export function describeValueError(error: ValueError): string {
  const field =
    error.path === ''
      ? ''
      : ` "${error.path
          .slice(1)
          .split('/')
          .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
          .join('')}"`;
  const schema = error.schema as TSchema;
  const reason =
    typeof schema.pattern === 'string' && typeof schema.description === 'string'
      ? `has an invalid value; expected ${schema.description.replace(/\.$/, '')}`
      : error.message.charAt(0).toLowerCase() + error.message.slice(1);
  return `${field}: ${reason}`;
}

/**
 * Schemas are compiled once, at start, by TypeBox. Bodies are checked as sent (no coercion: "10" is not 10);
 * query values are strings on the wire and converted first; path parameters are strings in every schema.
 */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  const part = PART_NAMES[httpPart ?? 'body'] ?? 'request';
  const converts = httpPart === 'querystring';
  return (value: unknown) => {
    const candidate = converts ? Value.Convert(schema, value) : value;
    if (check.Check(candidate)) return { value: candidate };
    const first = check.Errors(candidate).First();
    const detail = first === undefined ? ' is invalid' : describeValueError(first);
    const error = new Error(`Invalid ${part}${detail}`);
    return { error };
  };
};
