function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 600) throw new Error(`${name} must be an integer from 1 to 600 (got ${raw ?? ''})`);
  return value;
}

export interface BenchSettings {
  rounds: number;
  /** Measured seconds per cell of the small-body scenarios (the 10 MB one: 60 % of it). */
  secondsPerCell: number;
  warmupS: number;
  primeS: number;
  profileS: number;
  starts: number;
}

/** Defaults make a full run of about 3 minutes; the environment may shorten it (e.g. BENCH_ROUNDS=1 BENCH_SECONDS=1). */
export function benchSettings(): BenchSettings {
  return {
    rounds: setting('BENCH_ROUNDS', 3),
    secondsPerCell: setting('BENCH_SECONDS', 5),
    warmupS: 1,
    primeS: 2,
    profileS: setting('BENCH_PROFILE_SECONDS', 10),
    starts: setting('BENCH_STARTS', 5),
  };
}

/** The targets the issue sets. */
export const LIMITS = { rssMaxMB: 150, bigGrowthMaxMB: 30, startToReadyMaxMs: 1000 };
