import type { Operation } from '../catalog/operation.js';
import { firstExample } from '../catalog/responses.js';
import { COMMON_ERRORS, errorStatuses } from '../rest/route-schema.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `keys` below `value`, if every step is an object. */
function objectAt(value: unknown, ...keys: string[]): JsonObject | undefined {
  let here = value;
  for (const key of keys) here = isObject(here) ? here[key] : undefined;
  return isObject(here) ? here : undefined;
}

/**
 * The examples OpenAPI shows next to a `$ref`'d schema, which @fastify/swagger cannot take from a route schema (it
 * drops a `$ref`'s siblings): each operation's named request examples (the media type's `examples` map), an example of
 * its answer, and one of each error answer. Changes `doc` in place.
 */
export function addExamples<T extends object>(doc: T, operations: readonly Operation[]): T {
  for (const op of operations) {
    const entry = objectAt(doc, 'paths', op.path, op.method.toLowerCase());
    if (entry === undefined) continue;
    const body = objectAt(entry, 'requestBody', 'content', 'application/json');
    if (body !== undefined && Object.keys(op.bodyExamples).length > 0) body.examples = { ...op.bodyExamples };
    const answer = objectAt(entry, 'responses', '200', 'content', 'application/json');
    const example = firstExample(op.response);
    if (answer !== undefined && example !== undefined) answer.example = example;
    for (const status of errorStatuses(op)) {
      const media = objectAt(entry, 'responses', status, 'content', 'application/json');
      const failure = COMMON_ERRORS[status]?.example;
      if (media !== undefined && failure !== undefined) media.example = failure;
    }
  }
  return doc;
}
