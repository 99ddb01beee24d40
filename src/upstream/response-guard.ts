import { Transform, type TransformCallback } from 'node:stream';
import { GatewayError } from '../errors.js';

const REDACTED = Buffer.from('[REDACTED]');

/**
 * Passes VirusTotal's body through untouched, except that it caps its size and replaces any occurrence of a
 * secret (the API key in each of its `secretForms`, should an upstream ever echo it) with `[REDACTED]`. It holds back the last
 * `longestSecret - 1` bytes of each chunk so that a secret split across two chunks is still found.
 */
export class ResponseGuard extends Transform {
  private seen = 0;
  private tail: Buffer = Buffer.alloc(0);
  private readonly keep: number;

  constructor(
    private readonly maxBytes: number,
    private readonly secrets: readonly Buffer[],
  ) {
    super();
    this.keep = Math.max(0, ...secrets.map((s) => s.length - 1));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) {
      callback(new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', `VirusTotal's response exceeded ${this.maxBytes} bytes`));
      return;
    }
    if (this.keep === 0 && this.secrets.length === 0) {
      callback(null, chunk);
      return;
    }
    if (chunk.length > this.keep && !this.secretIn(chunk) && !this.secretIn(Buffer.concat([this.tail, chunk.subarray(0, this.keep)]))) {
      // The common case, no secret anywhere: the chunk goes on without being copied; only the held-back end is.
      if (this.tail.length > 0) this.push(this.tail);
      const cut = chunk.length - this.keep;
      this.tail = Buffer.from(chunk.subarray(cut));
      callback(null, chunk.subarray(0, cut));
      return;
    }
    const data = redact(this.tail.length > 0 ? Buffer.concat([this.tail, chunk]) : chunk, this.secrets);
    const cut = Math.max(0, data.length - this.keep);
    this.tail = Buffer.from(data.subarray(cut));
    callback(null, cut > 0 ? data.subarray(0, cut) : undefined);
  }

  private secretIn(data: Buffer): boolean {
    return this.secrets.some((secret) => secret.length > 0 && data.includes(secret));
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.tail.length > 0 ? this.tail : undefined);
  }
}

export function redact(data: Buffer, secrets: readonly Buffer[]): Buffer {
  let out = data;
  for (const secret of secrets) {
    if (secret.length === 0 || out.indexOf(secret) === -1) continue;
    const parts: Buffer[] = [];
    let from = 0;
    for (let at = out.indexOf(secret); at !== -1; at = out.indexOf(secret, from)) {
      parts.push(out.subarray(from, at), REDACTED);
      from = at + secret.length;
    }
    parts.push(out.subarray(from));
    out = Buffer.concat(parts);
  }
  return out;
}

/**
 * The forms in which a key can appear in a JSON body, each to be redacted: as it is, in upper case (an echo that
 * normalised it), every character `\u00XX`-escaped (JSON, either case of hex digit) and percent-encoded (a URL
 * echoed back, either case). Distinct forms only.
 */
export function secretForms(secret: string): Buffer[] {
  const bytes = [...Buffer.from(secret)];
  const hex = (b: number): string => b.toString(16).padStart(2, '0');
  const forms = [
    secret,
    secret.toUpperCase(),
    bytes.map((b) => `\\u00${hex(b)}`).join(''),
    bytes.map((b) => `\\u00${hex(b).toUpperCase()}`).join(''),
    bytes.map((b) => `%${hex(b)}`).join(''),
    bytes.map((b) => `%${hex(b).toUpperCase()}`).join(''),
  ];
  return [...new Set(forms.filter((form) => form !== ''))].map((form) => Buffer.from(form));
}
