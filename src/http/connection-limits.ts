import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { GatewayConfig } from '../config.js';

/** Connections each listener accepts at once; beyond its cap Node closes a new connection as soon as it is accepted. */
export interface ConnectionCaps {
  rest: number;
  mcp: number;
  metrics: number;
}

type Limits = Pick<
  GatewayConfig,
  'restMaxConnections' | 'mcpMaxConnections' | 'metricsMaxConnections' | 'metricsPort' | 'upstreamConnections'
>;

/**
 * Descriptors the process needs besides client connections: the upstream pool, stdio, the listeners, audit files,
 * Redis, file watchers, the event loop's own, and a margin for accepting (then closing) connections beyond a cap.
 */
export function reservedDescriptors(config: Pick<GatewayConfig, 'upstreamConnections'>): number {
  return config.upstreamConnections + 64;
}

/** The soft "Max open files" limit (`ulimit -n`) from /proc/self/limits; Infinity when unlimited or unknown. */
export function openFilesLimit(limitsText?: string): number {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return Infinity;
    }
  }
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1];
  const value = soft === undefined ? NaN : Number(soft);
  return Number.isInteger(value) && value > 0 ? value : Infinity;
}

export interface CapsDecision {
  caps: ConnectionCaps;
  /** Set when the configured caps did not fit the descriptor limit and were lowered: one line for the operator. */
  lowered?: string;
}

/**
 * The configured caps if, with the reserve, they fit under the open-files limit; otherwise each lowered in
 * proportion so that together they do. Throws when the limit leaves no room for client connections at all.
 */
export function connectionCaps(config: Limits, limit: number): CapsDecision {
  const metricsCap = config.metricsPort === 0 ? 0 : config.metricsMaxConnections;
  const wanted = config.restMaxConnections + config.mcpMaxConnections + metricsCap;
  const reserve = reservedDescriptors(config);
  const available = limit - reserve;
  const configured = { rest: config.restMaxConnections, mcp: config.mcpMaxConnections, metrics: config.metricsMaxConnections };
  if (wanted <= available) return { caps: configured };
  const listeners = metricsCap === 0 ? 2 : 3;
  if (available < listeners * 8) {
    throw new Error(
      `the open-files limit (ulimit -n) of ${limit} leaves no room for client connections: ${reserve} are reserved (UPSTREAM_CONNECTIONS + 64); raise it`,
    );
  }
  const share = (cap: number): number => Math.max(1, Math.floor((cap * available) / wanted));
  const caps = { rest: share(config.restMaxConnections), mcp: share(config.mcpMaxConnections), metrics: metricsCap === 0 ? configured.metrics : share(metricsCap) };
  const listed = (c: ConnectionCaps): string => `REST ${c.rest}, MCP ${c.mcp}` + (metricsCap === 0 ? '' : `, metrics ${c.metrics}`);
  return {
    caps,
    lowered:
      `open-files limit (ulimit -n) ${limit} minus ${reserve} reserved leaves ${available} for client connections: ` +
      `caps lowered from ${listed(configured)} to ${listed(caps)}`,
  };
}

/** Timeouts of a client-facing HTTP server, so that no connection can be held open for free. */
export interface ClientTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

/** How often Node looks for connections past their headers or request timeout (its own default is 30 s). */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/** The Node server options behind ClientTimeouts, for a server created with them. */
export function serverTimeoutOptions(timeouts: ClientTimeouts): {
  connectionsCheckingInterval: number;
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
} {
  return {
    connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
  };
}

/**
 * A listening server survives errors of accepting a connection (EMFILE when descriptors run out): Node reports them
 * as the server's 'error', which would otherwise throw. One log line per interval at most.
 */
export function surviveAcceptErrors(server: Server, warn: (err: Error) => void, intervalMs = 10_000): void {
  let lastWarned = 0;
  server.on('error', (err: Error) => {
    if (Date.now() - lastWarned < intervalMs) return;
    lastWarned = Date.now();
    warn(err);
  });
}

export function clientTimeoutsOf(
  config: Pick<GatewayConfig, 'httpHeadersTimeoutMs' | 'httpRequestTimeoutMs' | 'httpKeepAliveTimeoutMs'>,
): ClientTimeouts {
  return {
    headersTimeoutMs: config.httpHeadersTimeoutMs,
    requestTimeoutMs: config.httpRequestTimeoutMs,
    keepAliveTimeoutMs: config.httpKeepAliveTimeoutMs,
  };
}
