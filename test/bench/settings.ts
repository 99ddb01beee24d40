/** An integer setting from the environment, 1 to 600, or `fallback` when unset. */
export function intSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 600) throw new Error(`${name} must be an integer from 1 to 600 (got ${raw ?? ''})`);
  return value;
}

export interface BenchSettings {
  rounds: number;
  /** Measured seconds per cell. */
  secondsPerCell: number;
  warmupS: number;
  primeS: number;
  /** Length of the RSS growth run of a fresh A under the GET load (RSS read at a quarter and at the end). */
  growthS: number;
  profileS: number;
  starts: number;
}

/** Defaults make a full run of about 17 minutes; the environment may shorten it (see test/bench/README.md). */
export function benchSettings(): BenchSettings {
  return {
    rounds: intSetting('BENCH_ROUNDS', 5),
    secondsPerCell: intSetting('BENCH_SECONDS', 10),
    warmupS: 1,
    primeS: 2,
    growthS: intSetting('BENCH_GROWTH_SECONDS', 60),
    profileS: intSetting('BENCH_PROFILE_SECONDS', 10),
    starts: intSetting('BENCH_STARTS', 5),
  };
}

/** The targets the issue sets. */
export const LIMITS = { rssMaxMB: 150, growthMaxMB: 10, bigGrowthMaxMB: 30, startToReadyMaxMs: 1000, cpuOverThinMax: 1.25 };
