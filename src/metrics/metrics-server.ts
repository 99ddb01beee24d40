import http from 'node:http';
import { GatewayError } from '../errors.js';
import type { GatewayMetrics } from './metrics.js';

/** `/metrics` on its own port, so that scraping needs no client token and clients never see it. */
export async function startMetricsServer(metrics: GatewayMetrics, port: number, host: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(new GatewayError('GW_ERR_NOT_FOUND', 'Only GET /metrics here').json());
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'application/json' }).end(new GatewayError('GW_ERR_INTERNAL', 'Metrics could not be collected').json()),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
