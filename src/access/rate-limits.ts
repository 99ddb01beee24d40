import rateLimit from '@fastify/rate-limit';
import LocalStore from '@fastify/rate-limit/store/LocalStore.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { GatewayError } from '../errors.js';
import type { Client } from '../security/client.js';

export interface RateLimitSettings {
  readsPerMinute: number;
  writesPerMinute: number;
  upstreamBudgetPerMinute: number;
  failOpen: boolean;
  redis?: Redis;
}

/** Counted at once (in memory) or once the store answers (Redis): callers test with `instanceof Promise`. */
export type Counted<T> = T | Promise<T>;

export interface RateLimits {
  /** Counts one call of the client; gives the RateLimit headers, or throws (rejects) 429 with Retry-After. */
  client(client: Client, kind: 'read' | 'write'): Counted<Record<string, string>>;
  /** Counts one call to VirusTotal against the organisation-wide budget; throws (rejects) 429 when it is spent. */
  upstream(): Counted<void>;
}

const WINDOW_MS = 60_000;

/** One count of a key in its window, as @fastify/rate-limit's limiter reports it. */
interface WindowResult {
  max: number;
  remaining: number;
  ttlInSeconds: number;
  isExceeded: boolean;
}

/** @fastify/rate-limit's limiter reads only these two values from the "request" it is given. */
interface LimitSubject {
  routeOptions: { config: Record<string, never> };
  limitKey: string;
  limitMax: number;
}

type Counter = (key: string, max: number) => Counted<WindowResult>;

const storeUnavailable = (): GatewayError =>
  new GatewayError('GW_ERR_UNAVAILABLE', 'Rate-limit store unavailable; try again shortly', { 'retry-after': '1' });

/** Redis: @fastify/rate-limit's limiter with its Redis store (one round trip per count). */
async function redisCounter(app: FastifyInstance, settings: RateLimitSettings & { redis: Redis }): Promise<Counter> {
  await app.register(rateLimit, { global: false, skipOnError: settings.failOpen, nameSpace: 'vtgw-rl:', redis: settings.redis });
  const subjectOf = (req: FastifyRequest): LimitSubject => req as unknown as LimitSubject;
  const limiter = app.createRateLimit({
    keyGenerator: (req) => subjectOf(req).limitKey,
    max: (req) => subjectOf(req).limitMax,
    timeWindow: WINDOW_MS,
  });
  return async (key, max) => {
    const subject: LimitSubject = { routeOptions: { config: {} }, limitKey: key, limitMax: max };
    let result: Awaited<ReturnType<typeof limiter>>;
    try {
      // With skipOnError (fail open) a store failure comes back as a count of 0 rather than a rejection.
      result = await limiter(subject as unknown as FastifyRequest);
    } catch {
      throw storeUnavailable();
    }
    // Only an allow list (none is configured) exempts a key.
    return result.isAllowed ? { max, remaining: max, ttlInSeconds: WINDOW_MS / 1000, isExceeded: false } : result;
  };
}

/**
 * In memory: the same fixed windows in @fastify/rate-limit's own LocalStore, called directly because it answers
 * synchronously; the limiter around it would add a promise and four awaits to every count.
 */
function memoryCounter(): Counter {
  const store = new LocalStore(false, false);
  return (key, max) => {
    let result: WindowResult | undefined;
    store.incr(
      key,
      (_err, { current, ttl }) => {
        result = { max, remaining: Math.max(0, max - current), ttlInSeconds: Math.ceil(ttl / 1000), isExceeded: current > max };
      },
      WINDOW_MS,
      max,
    );
    if (result === undefined) throw storeUnavailable();
    return result;
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
export async function registerRateLimits(app: FastifyInstance, settings: RateLimitSettings): Promise<RateLimits> {
  const count = settings.redis === undefined ? memoryCounter() : await redisCounter(app, { ...settings, redis: settings.redis });

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
    upstream() {
      return then(count('upstream', settings.upstreamBudgetPerMinute), (result) => {
        if (result.isExceeded) {
          throw new GatewayError(
            'GW_ERR_RATE_LIMITED',
            `The organisation-wide VirusTotal budget of ${result.max} calls per minute is spent; retry in ${result.ttlInSeconds} s`,
            { 'retry-after': String(result.ttlInSeconds) },
          );
        }
      });
    },
  };
}
