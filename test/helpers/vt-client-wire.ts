import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';

/**
 * Requests as VirusTotal's own clients put them on the wire (issue12-findings §0), written byte for byte on a raw
 * socket: no header that the client would not send, header names as it spells them.
 */
export type VtClientKind = 'vt-py' | 'vt-go';

export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  /** The body as the client reads it: un-gzipped when the answer says `content-encoding: gzip`. */
  body: string;
  /** Whether the answer declared its length (vt-go's "no body" test is `ContentLength == 0`). */
  contentLength: number | undefined;
}

const USER_AGENT: Record<VtClientKind, string> = {
  'vt-py': 'unknown; vtpy 0.18.0; gzip',
  'vt-go': 'unknown; vtgo 1.0.0; gzip',
};

/** The head and body vt-py (aiohttp) or vt-go (net/http) would send for this call. */
function requestBytes(kind: VtClientKind, host: string, method: string, target: string, apiKey: string, body: string | undefined): Buffer {
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${host}`];
  const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
  if (kind === 'vt-py') {
    // aiohttp: the session's headers, its own Accept, and for `data=json.dumps(...)` a text/plain body.
    lines.push(`X-Apikey: ${apiKey}`, 'Accept-Encoding: gzip', `User-Agent: ${USER_AGENT[kind]}`, 'Accept: */*');
    if (payload !== undefined) lines.push('Content-Type: text/plain; charset=utf-8', `Content-Length: ${payload.length}`);
    else if (method === 'DELETE' || method === 'POST' || method === 'PATCH') lines.push('Content-Length: 0');
  } else {
    lines.push(`User-Agent: ${USER_AGENT[kind]}`);
    if (payload !== undefined) lines.push(`Content-Length: ${payload.length}`);
    lines.push('Accept-Encoding: gzip');
    if (method === 'POST' || method === 'PATCH') lines.push('Content-Type: application/json');
    lines.push(`X-Apikey: ${apiKey}`);
  }
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return payload === undefined ? head : Buffer.concat([head, payload]);
}

/** The body of a chunked answer, or undefined while its last chunk has not arrived. */
function dechunk(raw: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts);
    if (raw.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** One call on its own connection, read to the end of its answer (by length, by chunks, or by close). */
export function vtClientCall(
  kind: VtClientKind,
  gatewayUrl: string,
  opts: { method: string; target: string; apiKey: string; body?: string },
): Promise<WireAnswer> {
  const { hostname, port, host } = new URL(gatewayUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let received = Buffer.alloc(0);
    let settled = false;
    const tryFinish = (closed: boolean): void => {
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd === -1 || settled) return;
      const [statusLine = '', ...headerLines] = received.subarray(0, headEnd).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const rest = received.subarray(headEnd + 4);
      const declared = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
      let body: Buffer | undefined;
      if (declared !== undefined) body = rest.length >= declared ? rest.subarray(0, declared) : undefined;
      else if (headers['transfer-encoding'] === 'chunked') body = dechunk(rest);
      else if (closed) body = rest;
      if (body === undefined) return;
      settled = true;
      socket.destroy();
      const text = (headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: text, contentLength: declared });
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      tryFinish(false);
    });
    socket.on('end', () => tryFinish(true));
    socket.on('error', reject);
    socket.write(requestBytes(kind, host, opts.method, opts.target, opts.apiKey, opts.body));
  });
}

/** vt-py's reading of an answer: exactly 200 is success; a JSON 4xx becomes APIError(code, message). */
export function vtPyOutcome(answer: WireAnswer): { ok: true; json: unknown } | { ok: false; code: string; message: string } {
  if (answer.status === 200) return { ok: true, json: answer.body === '' ? null : JSON.parse(answer.body) };
  const type = (answer.headers['content-type'] ?? '').split(';')[0];
  if (answer.status >= 400 && answer.status < 500 && type === 'application/json') {
    const { error } = JSON.parse(answer.body) as { error: { code: string; message: string } };
    return { ok: false, code: error.code, message: error.message };
  }
  return { ok: false, code: answer.status < 500 ? 'ClientError' : 'ServerError', message: answer.body };
}
