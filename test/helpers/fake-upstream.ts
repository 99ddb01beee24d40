import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type FakeHandler = (req: SeenRequest, res: ServerResponse) => void;

export interface FakeUpstream {
  baseUrl: string;
  seen: SeenRequest[];
  handle(handler: FakeHandler): void;
  /** TCP connections opened to it so far. */
  connectionCount(): number;
  close(): Promise<void>;
}

export const replyJson =
  (status: number, body: unknown, extraHeaders: Record<string, string> = {}): FakeHandler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...extraHeaders });
    res.end(JSON.stringify(body));
  };

/** A programmable stand-in for VirusTotal that records every request it receives. */
export async function startFakeUpstream(initial: FakeHandler = replyJson(200, { data: true })): Promise<FakeUpstream> {
  let handler = initial;
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(record);
      handler(record, res);
    });
  });
  let connections = 0;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/v3`,
    seen,
    handle(h) {
      handler = h;
    },
    connectionCount: () => connections,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
