import LocalStore from '@fastify/rate-limit/store/LocalStore.js';
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';
import type { Redis } from 'ioredis';
import { GatewayError } from '../errors.js';
import type { Client } from '../security/client.js';

export interface RateLimitSettings {
  readsPerMinute: number;
  writesPerMinute: number;
  upstreamBudgetPerMinute: number;
  /** Share of the organisation budget (percent) that reads cannot spend: held for writes. */
  upstreamWriteReservePercent: number;
  failOpen: boolean;
  redis?: Redis;
}

/** Counted at once (in memory) or once the store answers (Redis): callers test with `instanceof Promise`. */
export type Counted<T> = T | Promise<T>;

export interface RateLimits {
  /** Counts one call of the client; gives the RateLimit headers, or throws (rejects) 429 with Retry-After. */
  client(client: Client, kind: 'read' | 'write'): Counted<Record<string, string>>;
  /**
   * Counts one call to VirusTotal against the organisation-wide budget; throws (rejects) 429 when it is spent. A read
   * is refused once reads have spent all but the write reserve, so that no reader can keep the writers out.
   */
  upstream(kind: 'read' | 'write'): Counted<void>;
}

const WINDOW_MS = 60_000;

/** One count of a key in its window. */
interface WindowResult {
  max: number;
  remaining: number;
  ttlInSeconds: number;
  isExceeded: boolean;
}

/** The one method @fastify/rate-limit's LocalStore and RedisStore share. */
interface WindowStore {
  incr(key: string, callback: (err: Error | null, result: WindowCount | null) => void, timeWindow: number, max: number): void;
}
interface WindowCount {
  current: number;
  ttl: number;
}

type Counter = (key: string, max: number) => Counted<WindowResult>;

const storeUnavailable = (): GatewayError =>
  new GatewayError('GW_ERR_RATE_LIMIT_STORE_UNAVAILABLE', 'Rate-limit store unavailable; try again shortly', { 'retry-after': '1' });

function windowResult(max: number, { current, ttl }: WindowCount): WindowResult {
  return { max, remaining: Math.max(0, max - current), ttlInSeconds: Math.ceil(ttl / 1000), isExceeded: current > max };
}

/**
 * In memory the store answers synchronously, so the count is returned at once; Redis answers later, so its count is
 * a promise. A store failure is a 503, or with fail-open an allowed call.
 */
function counterOver(store: WindowStore, failOpen: boolean): Counter {
  const unlimited = (max: number): WindowResult => ({ max, remaining: max, ttlInSeconds: WINDOW_MS / 1000, isExceeded: false });
  return (key, max) => {
    type Outcome = { result: WindowResult } | { error: GatewayError };
    let settled: Outcome | undefined;
    let resolve: ((value: WindowResult) => void) | undefined;
    let reject: ((err: GatewayError) => void) | undefined;
    store.incr(
      key,
      (err, count) => {
        const outcome: Outcome =
          err === null && count !== null
            ? { result: windowResult(max, count) }
            : failOpen
              ? { result: unlimited(max) }
              : { error: storeUnavailable() };
        if (resolve === undefined || reject === undefined) settled = outcome;
        else if ('result' in outcome) resolve(outcome.result);
        else reject(outcome.error);
      },
      WINDOW_MS,
      max,
    );
    if (settled !== undefined) {
      if ('result' in settled) return settled.result;
      throw settled.error;
    }
    return new Promise<WindowResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
  };
}

function then<T, R>(value: Counted<T>, next: (value: T) => R): Counted<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/**
 * Per-client read and write budgets and one organisation-wide upstream budget, counted by @fastify/rate-limit in
 * memory or, with REDIS_URL, in Redis so that every replica shares them. Keys are client ids, never addresses:
 * behind the corporate gateway every caller shares addresses.
 */
export function createRateLimits(settings: RateLimitSettings): RateLimits {
  const store: WindowStore =
    settings.redis === undefined ? new LocalStore(false, false) : new RedisStore(false, false, settings.redis, 'vtgw-rl:');
  const count = counterOver(store, settings.failOpen);
  const readShare = Math.max(1, Math.floor((settings.upstreamBudgetPerMinute * (100 - settings.upstreamWriteReservePercent)) / 100));
  // The organisation budget's counts are kept per calendar minute, the same minute for reads and the total: separate
  // windows, each started by its own first call, would drift apart and let reads spend the writes' share at the seam.
  let keys = { minute: -1, total: '', reads: '' };
  const minuteKeys = (): typeof keys => {
    const minute = Math.floor(Date.now() / WINDOW_MS);
    if (keys.minute !== minute) keys = { minute, total: `upstream:${minute}`, reads: `upstream:read:${minute}` };
    return keys;
  };
  const untilNextMinute = (): string => String(Math.max(1, Math.ceil((WINDOW_MS - (Date.now() % WINDOW_MS)) / 1000)));
  const totalCounted = (result: WindowResult): void => {
    if (!result.isExceeded) return;
    const retryIn = untilNextMinute();
    throw new GatewayError(
      'GW_ERR_RATE_LIMITED',
      `The organisation-wide VirusTotal budget of ${result.max} calls per minute is spent; retry in ${retryIn} s`,
      { 'retry-after': retryIn },
    );
  };
  const readsCounted = (result: WindowResult): Counted<void> => {
    if (result.isExceeded) {
      const retryIn = untilNextMinute();
      throw new GatewayError(
        'GW_ERR_RATE_LIMITED',
        `Reads have spent their share (${result.max} calls per minute) of the organisation-wide VirusTotal budget; the rest is held for writes; retry in ${retryIn} s`,
        { 'retry-after': retryIn },
      );
    }
    return then(count(minuteKeys().total, settings.upstreamBudgetPerMinute), totalCounted);
  };

  return {
    client(client, kind) {
      const max =
        kind === 'read'
          ? (client.rateLimit?.readsPerMinute ?? settings.readsPerMinute)
          : (client.rateLimit?.writesPerMinute ?? settings.writesPerMinute);
      return then(count(`client:${client.id}:${kind}`, max), (result) => {
        const headers = {
          'x-ratelimit-limit': String(result.max),
          'x-ratelimit-remaining': String(result.remaining),
          'x-ratelimit-reset': String(result.ttlInSeconds),
        };
        if (result.isExceeded) {
          throw new GatewayError(
            'GW_ERR_RATE_LIMITED',
            `Client "${client.id}" exceeded its ${kind} budget of ${result.max} per minute; retry in ${result.ttlInSeconds} s`,
            { ...headers, 'retry-after': String(result.ttlInSeconds) },
          );
        }
        return headers;
      });
    },
    upstream(kind) {
      if (kind === 'write') return then(count(minuteKeys().total, settings.upstreamBudgetPerMinute), totalCounted);
      // Reads are counted apart first: a refused read then spends nothing of what is held for writes.
      const reads = count(minuteKeys().reads, readShare);
      return reads instanceof Promise ? reads.then(readsCounted) : readsCounted(reads);
    },
  };
}
