import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  /** Run for this long; connections still receiving a body when it ends are cut off. */
  durationS?: number;
  /** Or: make exactly this many requests and let every answer finish (stopped anyway after `maxS`). */
  amount?: number;
  maxS?: number;
}

export interface LoadResult {
  /** 2xx answers per second over the run. */
  rps: number;
  /** Latency percentiles of 2xx answers in ms, exact (from every response time, not autocannon's 1 ms buckets). */
  p50: number;
  p99: number;
  /** Response bytes per second. */
  bytesPerSec: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Answers by status code, e.g. { "200": 41000 }. */
  statuses: Record<string, number>;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** One autocannon run (programmatic API, no pipelining); it ends after `durationS`, or after `amount` answers or `maxS`. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    let times = new Float64Array(1 << 16);
    let count = 0;
    const startedAt = performance.now();
    let lastAt = startedAt;
    const length = spec.amount === undefined ? { duration: spec.durationS ?? 1 } : { amount: Math.max(spec.amount, spec.connections) };
    const instance = autocannon(
      {
        url: spec.url,
        method: spec.method,
        headers: spec.headers,
        ...(spec.body === undefined ? {} : { body: spec.body }),
        connections: spec.connections,
        ...length,
        pipelining: 1,
        // autocannon ends a run (and notices that every connection is done) on this tick: keep it short.
        sampleInt: 100,
      },
      (err: unknown, result) => {
        clearTimeout(guard);
        if (err !== null && err !== undefined) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        const sorted = times.subarray(0, count).sort();
        // autocannon's own duration is rounded to its 1 s tick; the time to the last answer is not.
        const seconds = Math.max(1e-3, (lastAt - startedAt) / 1000);
        resolve({
          rps: result['2xx'] / seconds,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          bytesPerSec: result.throughput.total / seconds,
          ok: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statuses: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0])),
        });
      },
    );
    const guard = setTimeout(() => instance.stop(), (spec.amount === undefined ? (spec.durationS ?? 1) + 30 : (spec.maxS ?? 60)) * 1000);
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      lastAt = performance.now();
      if (statusCode < 200 || statusCode >= 300) return;
      if (count === times.length) {
        const grown = new Float64Array(times.length * 2);
        grown.set(times);
        times = grown;
      }
      times[count++] = responseTime;
    });
  });
}
