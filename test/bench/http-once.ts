import http from 'node:http';

export interface OnceRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface OnceAnswer {
  status: number;
  bytes: number;
  body: Buffer;
}

/** One request on its own connection (no pool left behind), bounded by a timeout; rejects on any failure. */
export function httpOnce(url: string, req: OnceRequest = {}): Promise<OnceAnswer> {
  return new Promise((resolve, reject) => {
    const r = http.request(
      url,
      { method: req.method ?? 'GET', headers: { connection: 'close', ...req.headers }, agent: false, timeout: req.timeoutMs ?? 2000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, bytes: body.length, body });
        });
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`timeout: ${url}`)));
    r.on('error', reject);
    r.end(req.body);
  });
}
