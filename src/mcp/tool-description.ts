import { Kind, type TObject, type TSchema } from '@sinclair/typebox';
import type { Operation } from '../catalog/operation.js';

function firstExample(schema: TSchema): unknown {
  const examples: unknown = schema.examples;
  return Array.isArray(examples) ? examples[0] : undefined;
}

function argumentLine(name: string, schema: TSchema, required: boolean): string {
  const type = typeof schema.type === 'string' ? schema.type : 'value';
  // Scalar descriptions already say "e.g."; a body is easier to get right from a whole example.
  const example = type === 'object' ? firstExample(schema) : undefined;
  const text = [schema.description ?? '', example === undefined ? '' : `Example: ${JSON.stringify(example)}`]
    .filter((part) => part !== '')
    .join(' ');
  return `- ${name} (${type}, ${required ? 'required' : 'optional'}): ${text}`;
}

function returns(op: Operation): string {
  if (op.response[Kind] === 'Null') {
    return 'VirusTotal answers 200 with an empty body; the result then reads "VirusTotal answered 200 with an empty body: done."';
  }
  const paging =
    op.query?.properties.cursor === undefined
      ? ''
      : ' When `meta.cursor` is present there are more: call again with `cursor` set to it.';
  return `${op.response.description ?? "VirusTotal's JSON"} It comes as text and, being a JSON object, as structuredContent.${paging}`;
}

/**
 * What an agent needs to pick the tool and call it right: what it does, which VirusTotal call it makes, every
 * argument with its meaning, what comes back, and how failures look.
 */
export function describeTool(op: Operation, args: TObject): string {
  const required = new Set(args.required ?? []);
  return [
    `${op.summary}. ${op.description}`,
    `VirusTotal call: ${op.method} ${op.upstreamPath}; the gateway adds the organisation's API key.`,
    'Arguments:',
    ...Object.entries(args.properties).map(([name, schema]) => argumentLine(name, schema, required.has(name))),
    `Returns: ${returns(op)}`,
    'On failure: isError is true and the text is VirusTotal\'s error JSON {"error":{"code","message"}}, e.g. InvalidArgumentError ' +
      '(the message names the argument to fix), ForbiddenError (this client or the VirusTotal key may not do it), ' +
      'NotFoundError, TooManyRequestsError (wait, then retry).',
    `Gateway scope: ${op.scope}.`,
  ].join('\n');
}
