import { readCpuUs } from './cpu-time.js';
import { drive } from './drive.js';
import { readRss, sampleRss } from './rss.js';
import type { Scenario, ScenarioId } from './scenarios.js';
import type { Target, TargetId } from './targets.js';
import type { LoadResult } from './wrk.js';

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
  /** Where wrk's scripts are written. */
  scriptDir: string;
  onCell?: (cell: Cell) => void;
}

/** Round after round, scenario after scenario, the targets one after the other: A, T, B, C, A, T, B, C, ... */
export async function runMatrix(order: readonly Target[], scenarios: readonly Scenario[], opts: MatrixOptions): Promise<Cell[]> {
  for (const scenario of scenarios) {
    for (const target of order) await drive(target, scenario, opts.primeS, opts.scriptDir);
  }
  const cells: Cell[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    for (const scenario of scenarios) {
      for (const target of order) {
        const pid = target.child.pid;
        const rssBefore = readRss(pid) ?? Number.NaN;
        const sampler = sampleRss(pid);
        let load: LoadResult;
        let peak: number;
        let cpuUs: number;
        try {
          await drive(target, scenario, opts.warmupS, opts.scriptDir);
          const cpuBefore = readCpuUs(pid) ?? Number.NaN;
          load = await drive(target, scenario, scenario.durationS, opts.scriptDir);
          cpuUs = (readCpuUs(pid) ?? Number.NaN) - cpuBefore;
          if (readCpuUs(pid) === undefined) throw new Error('the target is gone');
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          throw new Error(`round ${round} ${scenario.id} ${target.id}: ${why}\n${target.child.name}'s last output:\n${target.child.output()}`, { cause: err });
        } finally {
          peak = sampler.stop().peak;
        }
        const cell: Cell = {
          round,
          scenario: scenario.id,
          target: target.id,
          load,
          rssBefore,
          rssPeak: peak,
          cpuUsPerRequest: load.requests > 0 ? cpuUs / load.requests : Number.NaN,
        };
        cells.push(cell);
        opts.onCell?.(cell);
      }
    }
  }
  return cells;
}
