import rateLimit from '@fastify/rate-limit';
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

export interface RateLimits {
  /** Counts one call of the client; returns the RateLimit headers, or throws 429 with Retry-After. */
  client(client: Client, kind: 'read' | 'write'): Promise<Record<string, string>>;
  /** Counts one call to VirusTotal against the organisation-wide budget; throws 429 when it is spent. */
  upstream(): Promise<void>;
}

const WINDOW_MS = 60_000;

/** @fastify/rate-limit's limiter reads only these two values from the "request" it is given. */
interface LimitSubject {
  routeOptions: { config: Record<string, never> };
  limitKey: string;
  limitMax: number;
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

async function count(limiter: Limiter, key: string, max: number): Promise<Awaited<ReturnType<Limiter>>> {
  const subject: LimitSubject = { routeOptions: { config: {} }, limitKey: key, limitMax: max };
  try {
    return await limiter(subject as unknown as FastifyRequest);
  } catch {
    throw new GatewayError('GW_ERR_UNAVAILABLE', 'Rate-limit store unavailable; try again shortly', { 'retry-after': '1' });
  }
}

/**
 * Per-client read and write budgets and one organisation-wide upstream budget, counted by @fastify/rate-limit in
 * memory or, with REDIS_URL, in Redis so that every replica shares them. Keys are client ids, never addresses:
 * behind the corporate gateway every caller shares addresses.
 */
export async function registerRateLimits(app: FastifyInstance, settings: RateLimitSettings): Promise<RateLimits> {
  await app.register(rateLimit, {
    global: false,
    skipOnError: settings.failOpen,
    nameSpace: 'vtgw-rl:',
    ...(settings.redis === undefined ? {} : { redis: settings.redis }),
  });
  const subjectOf = (req: FastifyRequest): LimitSubject => req as unknown as LimitSubject;
  const limiter = app.createRateLimit({
    keyGenerator: (req) => subjectOf(req).limitKey,
    max: (req) => subjectOf(req).limitMax,
    timeWindow: WINDOW_MS,
  });

  return {
    async client(client, kind) {
      const max =
        kind === 'read'
          ? (client.rateLimit?.readsPerMinute ?? settings.readsPerMinute)
          : (client.rateLimit?.writesPerMinute ?? settings.writesPerMinute);
      const result = await count(limiter, `client:${client.id}:${kind}`, max);
      if (result.isAllowed) return {};
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
    },
    async upstream() {
      const result = await count(limiter, 'upstream', settings.upstreamBudgetPerMinute);
      if (!result.isAllowed && result.isExceeded) {
        throw new GatewayError(
          'GW_ERR_RATE_LIMITED',
          `The organisation-wide VirusTotal budget of ${result.max} calls per minute is spent; retry in ${result.ttlInSeconds} s`,
          { 'retry-after': String(result.ttlInSeconds) },
        );
      }
    },
  };
}
