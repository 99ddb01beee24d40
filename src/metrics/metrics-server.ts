import http from 'node:http';
import { GatewayError } from '../errors.js';
import { serverTimeoutOptions } from '../http/connection-limits.js';
import type { GatewayMetrics } from './metrics.js';

/** `/metrics` on its own port, so that scraping needs no client token and clients never see it. */
export async function startMetricsServer(metrics: GatewayMetrics, port: number, host: string, maxConnections = 16): Promise<http.Server> {
  // A scraper sends one small request: it gets a few seconds for it, and a handful of connections at most.
  const timeouts = serverTimeoutOptions({ headersTimeoutMs: 5000, requestTimeoutMs: 5000, keepAliveTimeoutMs: 5000 });
  const server = http.createServer(timeouts, (req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(new GatewayError('GW_ERR_NOT_FOUND', 'Only GET /metrics here').json());
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
