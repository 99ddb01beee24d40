/** @fastify/rate-limit's in-memory store (a fixed window per key in an LRU map); the package ships no types for it. */
declare module '@fastify/rate-limit/store/LocalStore.js' {
  interface WindowCount {
    current: number;
    ttl: number;
  }
  class LocalStore {
    constructor(continueExceeding: boolean, exponentialBackoff: boolean, cache?: number);
    /** Counts one hit of `key`; calls back synchronously. */
    incr(key: string, callback: (err: Error | null, result: WindowCount) => void, timeWindow: number, max: number): void;
  }
  export default LocalStore;
}
