import { Type, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, ValueErrorType, type TypeCheck, type ValueError } from '@sinclair/typebox/compiler';
import type { Operation, ValidatedInput } from '../catalog/operation.js';
import { GatewayError } from '../errors.js';
import { describeValueError, refusalOf } from '../http/validator.js';

export type ToolArguments = Record<string, unknown>;

/**
 * A tool's arguments as one object: path and query parameters as top-level properties and the request body as
 * `body`, as the capability's MCP adapter passes them (`with: body: tools.body`).
 */
export function argumentsSchema(op: Operation): TObject {
  const properties: TProperties = { ...op.params.properties, ...(op.query?.properties ?? {}) };
  if (op.body !== undefined) {
    // Inline, without the `$id` that names it in OpenAPI: an MCP client gets one self-contained schema per tool.
    const body: TSchema = {
      ...op.body,
      description: 'The request body VirusTotal takes, as a JSON object (not a string).',
      examples: Object.values(op.bodyExamples).map((example) => example.value),
    };
    delete body.$id;
    properties.body = body;
  }
  return Type.Object(properties, { additionalProperties: false });
}

/** Like REST's refusals, except that a missing argument says so and what it is. */
function argumentRefusal(error: ValueError): GatewayError {
  if (error.type !== ValueErrorType.ObjectRequiredProperty) return refusalOf(error, 'Invalid argument');
  const what = error.schema.description;
  const detail = describeValueError({ ...error, schema: Type.Unknown(), message: what === undefined ? 'Is required' : `Is required: ${what}` });
  return new GatewayError('GW_ERR_INVALID_ARGUMENT', `Invalid argument${detail}`);
}

export interface ToolArgumentsParser {
  /** Checks the arguments as sent (no coercion: "10" is not 10) and splits them into params, query and body. */
  parse(args: ToolArguments): ValidatedInput;
}

export function compileArgumentsParser(op: Operation, schema: TObject): ToolArgumentsParser {
  const check: TypeCheck<TObject> = TypeCompiler.Compile(schema);
  const paramNames = Object.keys(op.params.properties);
  const queryNames = Object.keys(op.query?.properties ?? {});
  return {
    parse(args) {
      if (!check.Check(args)) {
        const first = check.Errors(args).First();
        throw first === undefined ? new GatewayError('GW_ERR_INVALID_ARGUMENT', 'Invalid arguments') : argumentRefusal(first);
      }
      const params: Record<string, string> = {};
      for (const name of paramNames) params[name] = String(args[name]);
      const query: Record<string, unknown> = {};
      for (const name of queryNames) if (args[name] !== undefined) query[name] = args[name];
      return { params, query, body: op.body === undefined ? undefined : args.body };
    },
  };
}
