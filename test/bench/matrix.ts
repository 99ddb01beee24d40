import { inRoundOrder } from './alternating.js';
import { readCpuTimes, spentPerAnswer, type CpuTimes } from './cpu-time.js';
import { drive } from './drive.js';
import { untilQuiet, type QuietWait } from './quiet.js';
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
  /** Of that, the time the kernel spent on its behalf (system: its socket and file calls), per answer (µs). */
  systemUsPerRequest: number;
  /** Before the cell: the wait until every target was quiet, and what they spent meanwhile (quiet.ts). */
  quiet: QuietWait;
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

/**
 * Round after round, scenario after scenario, the targets one after the other in `order`, every other round in the
 * reverse order, so that no target always follows the same one; each cell starts once every target is quiet.
 */
export async function runMatrix(order: readonly Target[], scenarios: readonly Scenario[], opts: MatrixOptions): Promise<Cell[]> {
  for (const scenario of scenarios) {
    for (const target of order) await drive(target, scenario, opts.primeS, opts.scriptDir);
  }
  const cells: Cell[] = [];
  const pids = order.map((target) => target.child.pid);
  for (let round = 1; round <= opts.rounds; round++) {
    for (const scenario of scenarios) {
      for (const target of inRoundOrder(order, round - 1)) {
        const pid = target.child.pid;
        const quiet = await untilQuiet(pids);
        const rssBefore = readRss(pid) ?? Number.NaN;
        const sampler = sampleRss(pid);
        let load: LoadResult;
        let peak: number;
        let before: CpuTimes | undefined;
        let after: CpuTimes | undefined;
        try {
          await drive(target, scenario, opts.warmupS, opts.scriptDir);
          before = readCpuTimes(pid);
          load = await drive(target, scenario, scenario.durationS, opts.scriptDir);
          after = readCpuTimes(pid);
          if (before === undefined || after === undefined) throw new Error('the target is gone');
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          throw new Error(`round ${round} ${scenario.id} ${target.id}: ${why}\n${target.child.name}'s last output:\n${target.child.output()}`, { cause: err });
        } finally {
          peak = sampler.stop().peak;
        }
        const spent = load.requests > 0 ? spentPerAnswer(before, after, load.requests) : { cpuUs: Number.NaN, systemUs: Number.NaN };
        const cell: Cell = {
          round,
          scenario: scenario.id,
          target: target.id,
          load,
          rssBefore,
          rssPeak: peak,
          cpuUsPerRequest: spent.cpuUs,
          systemUsPerRequest: spent.systemUs,
          quiet,
        };
        cells.push(cell);
        opts.onCell?.(cell);
      }
    }
  }
  return cells;
}
