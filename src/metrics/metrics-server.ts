import http from 'node:http';
import { GatewayError } from '../errors.js';
import type { GatewayMetrics } from './metrics.js';

/**
 * `/metrics` on its own port, so that scraping needs no client token and clients never see it. Also
 * `/audit/checkpoint`: the newest signed audit checkpoint (one JSON object), for an outside collector to keep where
 * the audit volume's writers cannot rewrite it; 404 while there is none.
 */
export async function startMetricsServer(
  metrics: GatewayMetrics,
  port: number,
  host: string,
  latestCheckpoint: () => string | null = () => null,
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method === 'GET' && path === '/audit/checkpoint') {
      const checkpoint = latestCheckpoint();
      if (checkpoint === null) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(new GatewayError('GW_ERR_NOT_FOUND', 'No signed audit checkpoint yet').json());
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(`${checkpoint}\n`);
      return;
    }
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(new GatewayError('GW_ERR_NOT_FOUND', 'Only GET /metrics and /audit/checkpoint here').json());
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
