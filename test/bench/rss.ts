import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes, from /proc/<pid>/status VmRSS; undefined once it is gone. */
export function readRss(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

export interface RssSampler {
  /** Stops sampling; the highest RSS seen (bytes) and the number of samples taken. */
  stop(): { peak: number; samples: number };
}

/** Samples a process's RSS every `intervalMs` (and once at once) until stopped. */
export function sampleRss(pid: number, intervalMs = 50): RssSampler {
  let peak = 0;
  let samples = 0;
  const take = (): void => {
    const rss = readRss(pid);
    if (rss === undefined) return;
    samples++;
    if (rss > peak) peak = rss;
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peak, samples };
    },
  };
}
