/** @fastify/rate-limit's stores (a fixed window per key); the package ships no types for them. */
declare module '@fastify/rate-limit/store/LocalStore.js' {
  class LocalStore {
    constructor(continueExceeding: boolean, exponentialBackoff: boolean, cache?: number);
    /** Counts one hit of `key`; calls back synchronously. */
    incr(key: string, callback: (err: Error | null, result: { current: number; ttl: number }) => void, timeWindow: number, max: number): void;
  }
  export default LocalStore;
}

declare module '@fastify/rate-limit/store/RedisStore.js' {
  import type { Redis } from 'ioredis';
  class RedisStore {
    constructor(continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis, key?: string);
    /** Counts one hit of `key` with one Lua round trip; calls back when Redis answers or fails. */
    incr(key: string, callback: (err: Error | null, result: { current: number; ttl: number } | null) => void, timeWindow: number, max: number): void;
  }
  export default RedisStore;
}
