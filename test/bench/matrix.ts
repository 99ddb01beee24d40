import { drive } from './drive.js';
import type { LoadResult } from './load.js';
import { readCpuUs } from './cpu-time.js';
import { readRss, sampleRss } from './rss.js';
import type { Scenario, ScenarioId } from './scenarios.js';
import type { Target, TargetId } from './targets.js';

export interface Cell {
  round: number;
  scenario: ScenarioId;
  target: TargetId;
  load: LoadResult;
  /** The target's RSS (bytes) just before the cell's warm-up. */
  rssBefore: number;
  /** The highest RSS sampled (every 50 ms) during warm-up and run. */
  rssPeak: number;
  /** The target process's CPU time (user + system, /proc/<pid>/stat) during the measured run, per answer (µs). */
  cpuUsPerRequest: number;
}

export interface MatrixOptions {
  rounds: number;
  /** Unmeasured load per cell, right before it. */
  warmupS: number;
  /** Unmeasured load per target and scenario once before the first round, so that round 1 does not measure the JIT. */
  primeS: number;
  onCell?: (cell: Cell) => void;
}

export const TARGET_ORDER: readonly TargetId[] = ['A', 'T', 'B', 'C'];

/** Round after round, scenario after scenario, the targets one after the other: A, T, B, C, A, T, B, C, ... */
export async function runMatrix(targets: Record<TargetId, Target>, scenarios: readonly Scenario[], opts: MatrixOptions): Promise<Cell[]> {
  const lastRps = new Map<string, number>();
  for (const scenario of scenarios) {
    for (const id of TARGET_ORDER) {
      const primed = await drive(targets[id], scenario, opts.primeS);
      lastRps.set(`${scenario.id}${id}`, primed.rps);
    }
  }
  const cells: Cell[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    for (const scenario of scenarios) {
      for (const id of TARGET_ORDER) {
        const target = targets[id];
        const key = `${scenario.id}${id}`;
        const rssBefore = readRss(target.child.pid) ?? Number.NaN;
        const sampler = sampleRss(target.child.pid);
        let load: LoadResult;
        let peak: number;
        let cpuUs: number;
        try {
          const warm = await drive(target, scenario, opts.warmupS, lastRps.get(key));
          const cpuBefore = readCpuUs(target.child.pid) ?? Number.NaN;
          load = await drive(target, scenario, scenario.durationS, warm.rps);
          cpuUs = (readCpuUs(target.child.pid) ?? Number.NaN) - cpuBefore;
        } finally {
          peak = sampler.stop().peak;
        }
        lastRps.set(key, load.rps);
        const answers = load.ok + load.non2xx;
        const cell: Cell = { round, scenario: scenario.id, target: id, load, rssBefore, rssPeak: peak, cpuUsPerRequest: answers > 0 ? cpuUs / answers : Number.NaN };
        cells.push(cell);
        opts.onCell?.(cell);
      }
    }
  }
  return cells;
}
