import { readCpuTimes, spentPerAnswer } from './cpu-time.js';
import { drive } from './drive.js';
import { untilQuiet } from './quiet.js';
import { sampleRss } from './rss.js';
import type { Scenario } from './scenarios.js';
import type { Target } from './targets.js';

/** One target's figures, one entry per round. */
export interface Series {
  rps: number[];
  p99: number[];
  cpuUsPerRequest: number[];
  /** Of it, the kernel's (system) time per answer (µs). */
  systemUsPerRequest: number[];
  /** The highest RSS (bytes) sampled during its measured runs. */
  peakRss: number;
}

/**
 * Drives each target with `scenario` once per round for `seconds`, after a 1 s warm-up of each; every other round in
 * the reverse order, so that no target always follows the same one; each run starts once every target is quiet.
 * CPU per request is the target process's user + system time over its answers (/proc). Answers other than 2xx and
 * socket errors are reported through `problem`.
 */
export async function alternate(
  targets: readonly Target[],
  scenario: Scenario,
  opts: { rounds: number; seconds: number; scriptDir: string; problem?: (target: Target, detail: string) => void },
): Promise<Map<Target, Series>> {
  const series = new Map<Target, Series>(targets.map((t) => [t, { rps: [], p99: [], cpuUsPerRequest: [], systemUsPerRequest: [], peakRss: 0 }]));
  for (const target of targets) await drive(target, scenario, 1, opts.scriptDir);
  const pids = targets.map((target) => target.child.pid);
  for (let round = 0; round < opts.rounds; round++) {
    for (const target of inRoundOrder(targets, round)) {
      const figures = series.get(target);
      if (figures === undefined) continue;
      const pid = target.child.pid;
      await untilQuiet(pids);
      const before = readCpuTimes(pid) ?? { userUs: 0, systemUs: 0 };
      const rss = sampleRss(pid);
      const load = await drive(target, scenario, opts.seconds, opts.scriptDir);
      figures.peakRss = Math.max(figures.peakRss, rss.stop().peak);
      const spent = spentPerAnswer(before, readCpuTimes(pid) ?? before, Math.max(1, load.requests));
      figures.cpuUsPerRequest.push(spent.cpuUs);
      figures.systemUsPerRequest.push(spent.systemUs);
      figures.rps.push(load.rps);
      figures.p99.push(load.p99);
      if (load.non2xx + load.errors > 0) opts.problem?.(target, `${load.non2xx} non-2xx, ${load.errors} errors`);
    }
  }
  return series;
}

/** The targets in the order of round `round` (0-based): as given in even rounds, reversed in odd ones. */
export function inRoundOrder<T>(targets: readonly T[], round: number): readonly T[] {
  return round % 2 === 0 ? targets : [...targets].reverse();
}
