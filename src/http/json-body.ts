import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { GatewayError } from '../errors.js';

/** Deeper than any body VirusTotal documents; deep enough that no validator or serializer recursion can overflow. */
export const MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** How deeply the text's arrays and objects nest, counted without parsing (strings skipped), stopping past `limit`. */
export function jsonNestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

/**
 * A JSON body as the gateway reads it: nothing (no bytes at all) is no body, whatever the Content-Type; nesting
 * deeper than MAX_JSON_DEPTH, invalid JSON and `__proto__`/`constructor.prototype` keys are refused.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) return undefined;
  if (jsonNestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new GatewayError('GW_ERR_BAD_REQUEST', `Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return secureJson.parse(text, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new GatewayError('GW_ERR_BAD_REQUEST', 'Request body is not valid JSON or contains forbidden keys');
  }
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/** vt-py sends JSON as `text/plain; charset=utf-8`; any other charset is not one the gateway reads. */
function refuseForeignCharset(request: FastifyRequest): void {
  const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8') {
    throw new GatewayError('GW_ERR_BAD_REQUEST', `Unsupported charset "${charset.slice(0, 32)}": send the body as UTF-8`);
  }
}

type BodyParser = Parameters<FastifyInstance['addContentTypeParser']>[2];

function jsonParser(before: (request: FastifyRequest) => void): BodyParser {
  return (request: FastifyRequest, text: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      before(request);
      done(null, parseJsonBody(String(text)));
    } catch (err) {
      done(err instanceof Error ? err : new Error(String(err)), undefined);
    }
  };
}

/**
 * Replaces Fastify's JSON parser with the gateway's (same body limit, same prototype-poisoning protection, plus the
 * depth limit). With `textPlain`, a `text/plain` body is read as JSON exactly the same way; otherwise it has no parser
 * and is refused like every other type.
 */
export function registerJsonBody(app: FastifyInstance, opts: { textPlain: boolean }): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonParser(() => {}));
  if (opts.textPlain) app.addContentTypeParser('text/plain', { parseAs: 'string' }, jsonParser(refuseForeignCharset));
}
