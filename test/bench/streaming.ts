import type { Child } from './child-process.js';
import { drive } from './drive.js';
import { readRss, sampleRss } from './rss.js';
import type { Scenario } from './scenarios.js';
import type { Target } from './targets.js';

export interface Growth {
  rssBefore: number;
  rssPeak: number;
  /** Peak during minus before, bytes. */
  growth: number;
  rps: number;
}

/**
 * Does a fresh process stream the big body or hold it? Its RSS just after start, then the peak while it serves
 * the scenario (8 concurrent callers) for about `seconds`. In the matrix the heap has long grown and has room to
 * hide a buffered body; a fresh process has none.
 */
export async function freshGrowth(start: () => Promise<Target>, scenario: Scenario, seconds: number, rps: number): Promise<Growth> {
  const target = await start();
  const child: Child = target.child;
  try {
    const rssBefore = readRss(child.pid) ?? Number.NaN;
    const sampler = sampleRss(child.pid);
    let peak: number;
    let load;
    try {
      load = await drive(target, scenario, seconds, rps);
    } finally {
      peak = sampler.stop().peak;
    }
    if (load.non2xx > 0 || load.errors > 0) throw new Error(`${target.id}: ${load.non2xx} non-2xx, ${load.errors} errors serving ${scenario.id}`);
    return { rssBefore, rssPeak: peak, growth: peak - rssBefore, rps: load.rps };
  } finally {
    await child.stop();
  }
}
