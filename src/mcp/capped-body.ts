import type { Readable } from 'node:stream';
import { GatewayError } from '../errors.js';

/**
 * Reads VirusTotal's whole answer, since a tool result is one message, but never more than `maxBytes`. A stream
 * that breaks off (the upstream guard's own cap, a body timeout) becomes a gateway error.
 */
export async function readCappedBody(body: Buffer | Readable, maxBytes: number): Promise<Buffer> {
  if (Buffer.isBuffer(body)) {
    if (body.length > maxBytes) throw new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', `VirusTotal's response exceeded ${maxBytes} bytes`);
    return body;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += buffer.length;
      if (size > maxBytes) {
        body.destroy();
        throw new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', `VirusTotal's response exceeded ${maxBytes} bytes`);
      }
      chunks.push(buffer);
    }
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', "VirusTotal's response broke off before its end");
  }
  return Buffer.concat(chunks);
}
