import { setTimeout as sleep } from 'node:timers/promises';
import { readCpuTimes } from './cpu-time.js';

/** What the wait for quiet took: how long, and the CPU the processes spent meanwhile (µs, all of them). */
export interface QuietWait {
  waitedMs: number;
  spentUs: number;
}

export interface QuietOptions {
  /** Quiet means: less than `share` of one core used by all the processes together over one window. */
  windowMs: number;
  share: number;
  /** Give up waiting after this long (a process that never goes quiet does not stop the run). */
  limitMs: number;
}

/** /proc counts CPU in 10 ms ticks, so a window of 500 ms at 2 % allows one tick: a timer, not leftover work. */
const DEFAULTS: QuietOptions = { windowMs: 500, share: 0.02, limitMs: 10_000 };

function cpuUsOf(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    const times = readCpuTimes(pid);
    if (times !== undefined) total += times.userUs + times.systemUs;
  }
  return total;
}

/**
 * Waits until the processes (the targets, which share one core) have finished what a cell left them: a batch of
 * spans still to export, a full collection after the load, a checkpoint. Without it that work would be counted
 * against whichever target runs next on the core.
 */
export async function untilQuiet(pids: readonly number[], opts: QuietOptions = DEFAULTS): Promise<QuietWait> {
  const started = performance.now();
  const first = cpuUsOf(pids);
  let previous = first;
  for (;;) {
    await sleep(opts.windowMs);
    const now = cpuUsOf(pids);
    const waitedMs = performance.now() - started;
    if (now - previous <= opts.share * opts.windowMs * 1000 || waitedMs >= opts.limitMs) return { waitedMs, spentUs: now - first };
    previous = now;
  }
}
