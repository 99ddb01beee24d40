import type { HttpMethod } from '../catalog/operation.js';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import Pool from 'undici/lib/dispatcher/pool.js';
import { GatewayError } from '../errors.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';
import { UpstreamDeadlines } from './deadlines.js';
import { bodyFailure, upstreamFailure } from './error-mapping.js';
import { exchange, ExchangeError, type ExchangeLimits, type ExchangeRequest, type Exchanged, type StreamEvents, type UpstreamTrace } from './exchange.js';
import { ApiKeySource } from './api-key.js';
import { redact } from './response-guard.js';
import { backoffDelay, RETRYABLE_STATUSES, type RetryPolicy } from './retry-policy.js';

function discard(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}

export interface UpstreamOptions {
  baseUrl: string;
  /** The key, or its source when it can change while running (VIRUSTOTAL_API_KEY_FILE). */
  apiKey: string | ApiKeySource;
  userAgent: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** How long a caller may leave a streamed answer unread, holding a connection to VirusTotal; 0 is no limit. */
  callerReadTimeoutMs?: number;
  maxResponseBytes: number;
  connections: number;
  retry: RetryPolicy;
  breaker: CircuitBreakerOptions;
  /** Spends one call of the organisation's budget before every attempt (retries too); throws when it is spent. */
  spendBudget?: (kind: 'read' | 'write') => void | Promise<void>;
}

export interface UpstreamRequest {
  method: HttpMethod;
  /** VirusTotal path below the API base, already encoded, with its query string. */
  path: string;
  body?: string;
  requestId: string;
  /**
   * Which share of the organisation budget the call spends: a caller's read, or the full budget (writes, and the
   * gateway's own lookups, which writes and their audit lines depend on). The full budget when absent.
   */
  budget?: 'read' | 'write';
  /** Told as it happens which key the request was sent with and VirusTotal's status, even if the call then fails. */
  trace?: UpstreamTrace;
  /** Asked again as the request is written (after the budget and any wait for a connection): gone, nothing is sent. */
  callerGone?: () => boolean;
}

export interface UpstreamResponse {
  statusCode: number;
  contentType: string | undefined;
  /** VirusTotal's Retry-After, the one response header besides Content-Type that a caller needs. */
  retryAfter: string | undefined;
  /** A small answer of declared length, read whole (one write to the caller); any other answer as a stream. */
  body: Buffer | Readable;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The only way out to VirusTotal: one keep-alive pool, the key injected on every request, request headers from
 * a fixed allowlist (nothing a client sent is copied), redirects never followed, response size capped.
 * Idempotent reads are retried with backoff on connection errors, 503 and 504; writes never are. A circuit
 * breaker fails fast while VirusTotal keeps failing.
 */
export class UpstreamClient {
  private readonly pool: Dispatcher;
  private readonly basePath: string;
  private readonly keys: ApiKeySource;

  private readonly breaker: CircuitBreaker;
  private readonly streamEvents: StreamEvents;
  private readonly deadlines: UpstreamDeadlines;

  constructor(private readonly opts: UpstreamOptions) {
    const base = new URL(opts.baseUrl);
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.pool = new Pool(base.origin, {
      connections: opts.connections,
      connect: { timeout: opts.connectTimeoutMs },
      // Kept by `deadlines` instead: one sweep, not a timer per request (deadlines.ts).
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: 30_000,
    });
    this.deadlines = new UpstreamDeadlines(opts.headersTimeoutMs, opts.bodyTimeoutMs, opts.callerReadTimeoutMs);
    this.keys = typeof opts.apiKey === 'string' ? new ApiKeySource(opts.apiKey) : opts.apiKey;
    this.breaker = new CircuitBreaker(opts.breaker);
    this.streamEvents = {
      // A caller hanging up aborts the body too, but exchange() does not report that: it says nothing of VirusTotal.
      onBodyFailure: (err) => {
        this.breaker.failure();
        return bodyFailure(err);
      },
    };
  }

  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  async request(req: UpstreamRequest): Promise<UpstreamResponse> {
    // Taken once: a request and its retries keep the key they started with, and its answer is searched for every
    // key in use or just replaced, whenever it arrives.
    const limits: ExchangeLimits = { maxResponseBytes: this.opts.maxResponseBytes, secrets: this.keys.secrets() };
    const fingerprint = this.keys.fingerprint;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.opts.userAgent,
      'x-apikey': this.keys.current,
      'x-request-id': req.requestId,
    };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    const request: ExchangeRequest = {
      method: req.method,
      path: this.basePath + req.path,
      headers,
      body: req.body,
      callerGone: req.callerGone,
      trace: req.trace,
      keyFingerprint: fingerprint,
    };

    const retries = req.method === 'GET' ? this.opts.retry.retries : 0;
    let res: Exchanged;
    for (let attempt = 0; ; attempt++) {
      const probe = this.breaker.admit();
      try {
        const spent = this.opts.spendBudget?.(req.budget ?? 'write');
        if (spent instanceof Promise) await spent;
      } catch (err) {
        // The breaker's probe, if this was it, never reached VirusTotal: it must not keep the circuit half-open.
        if (probe) this.breaker.abandon();
        throw err;
      }
      try {
        res = await exchange(this.pool, request, limits, this.streamEvents, this.deadlines);
      } catch (err) {
        const cause = err instanceof ExchangeError ? err.cause : err;
        // The gateway's own reasons for not sending it (the caller left, no connection came free): not VirusTotal's
        // failure, not retried.
        if (cause instanceof GatewayError) {
          if (probe) this.breaker.abandon();
          throw cause;
        }
        this.breaker.failure();
        // A small answer whose body broke off is a body failure, and is not retried: its status was seen.
        if (err instanceof ExchangeError && err.statusCode !== 0) {
          if (req.trace !== undefined) req.trace.upstreamStatus = err.statusCode;
          throw bodyFailure(cause, err.statusCode);
        }
        if (attempt < retries) {
          await sleep(backoffDelay(this.opts.retry, attempt));
          continue;
        }
        throw upstreamFailure(cause);
      }
      if (res.statusCode >= 500) this.breaker.failure();
      else this.breaker.success();
      if (attempt < retries && RETRYABLE_STATUSES.has(res.statusCode)) {
        if (res.kind === 'stream') discard(res.body);
        await sleep(backoffDelay(this.opts.retry, attempt));
        continue;
      }
      break;
    }

    if (req.trace !== undefined) req.trace.upstreamStatus = res.statusCode;
    if (res.kind === 'refused') {
      if (res.statusCode >= 300 && res.statusCode < 400) {
        throw new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', `VirusTotal answered ${res.statusCode} (redirects are not followed)`);
      }
      throw new GatewayError('GW_ERR_UPSTREAM_BAD_RESPONSE', `VirusTotal's response exceeded ${this.opts.maxResponseBytes} bytes`);
    }
    return {
      statusCode: res.statusCode,
      contentType: firstValue(res.headers['content-type']),
      retryAfter: firstValue(res.headers['retry-after']),
      body: res.kind === 'whole' ? redact(res.body, limits.secrets) : res.body,
    };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
