import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayError } from '../errors.js';

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** VirusTotal's answer as it came: the text unchanged, the JSON object also as structuredContent; >= 400 is an error. */
export function upstreamResult(status: number, body: Buffer): CallToolResult {
  const isError = status >= 400;
  if (body.length === 0) {
    const text = isError ? `VirusTotal answered ${status} with an empty body.` : `VirusTotal answered ${status} with an empty body: done.`;
    return { content: [{ type: 'text', text }], ...(isError ? { isError } : {}) };
  }
  const text = body.toString('utf8');
  const structured = jsonObject(text);
  return {
    content: [{ type: 'text', text }],
    ...(structured === undefined ? {} : { structuredContent: structured }),
    ...(isError ? { isError } : {}),
  };
}

/** A refusal or failure of the gateway itself, in VirusTotal's error shape as REST answers it. */
export function gatewayErrorResult(error: GatewayError): CallToolResult {
  const body = error.body();
  return {
    content: [{ type: 'text', text: JSON.stringify(body) }],
    structuredContent: { ...body },
    isError: true,
  };
}
