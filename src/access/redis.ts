import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * A Redis connection that never makes a request wait for it: a bounded connect timeout, no offline queue and a
 * command timeout, so while Redis is away or stalled a command fails within the timeout and RATE_LIMIT_FAIL_OPEN
 * decides; it keeps reconnecting meanwhile.
 * ioredis is loaded only here: a gateway without REDIS_URL does not carry it (about 9 MB of RSS).
 */
export async function connectRedis(url: string, log: Logger, commandTimeoutMs: number): Promise<Redis> {
  const { Redis: RedisClient } = await import('ioredis');
  const redis = new RedisClient(url, {
    connectTimeout: 1000,
    // A Redis that is connected but stalled (paused, swapping) fails a command as fast as one that is gone.
    commandTimeout: commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let lastWarned = 0;
  redis.on('error', (err: Error) => {
    if (Date.now() - lastWarned > 10_000) {
      lastWarned = Date.now();
      log.warn({ err: err.message }, 'redis unavailable');
    }
  });
  return redis;
}

/** Resolves when the connection is ready, or after `ms` whatever its state: start-up never hangs on Redis. */
export async function waitForRedis(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, ms);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}

/** Why Redis cannot serve now (not connected, or no PONG within `ms`); undefined when it answered. */
export async function redisProblem(redis: Redis, ms: number): Promise<string | undefined> {
  if (redis.status !== 'ready') return `redis ${redis.status}`;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`redis did not answer PING within ${ms} ms`), ms);
  });
  const answered = redis.ping().then(
    () => undefined,
    (err: unknown) => `redis PING failed: ${err instanceof Error ? err.message : String(err)}`,
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
