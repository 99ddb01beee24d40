import type http from 'node:http';
import { GatewayError } from '../errors.js';
import { serverTimeoutOptions } from '../http/connection-limits.js';
import { nodeHttp } from '../http/node-http.js';
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
  maxConnections = 16,
  latestCheckpoint: () => string | null = () => null,
): Promise<http.Server> {
  // A scraper sends one small request: it gets a few seconds for it, and a handful of connections at most.
  const timeouts = serverTimeoutOptions({ headersTimeoutMs: 5000, requestTimeoutMs: 5000, keepAliveTimeoutMs: 5000 });
  const server = nodeHttp.createServer(timeouts, (req, res) => {
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
  server.keepAliveTimeout = timeouts.keepAliveTimeout;
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
