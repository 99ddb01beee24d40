import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpSink {
  /** OTEL_EXPORTER_OTLP_ENDPOINT for a traced target. */
  endpoint: string;
  /** Spans received so far (counted, not parsed). */
  spans(): number;
  close(): Promise<void>;
}

const SPAN_ID = /"spanId"/g;

/** A collector that accepts OTLP/HTTP JSON traces and keeps only a count: what a traced target exports to. */
export async function startOtlpSink(): Promise<OtlpSink> {
  let spans = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      spans += body.match(SPAN_ID)?.length ?? 0;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans: () => spans,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
