import { drive } from './drive.js';
import { readRss, sampleRss } from './rss.js';
import type { Scenario } from './scenarios.js';
import type { Target } from './targets.js';
import type { LoadResult } from './wrk.js';

export interface Growth {
  /** RSS (bytes) once ready, a quarter into the run (15 s of 60), at its end, and the highest 50 ms sample. */
  rssReady: number;
  rssQuarter: number;
  rssEnd: number;
  rssPeak: number;
  quarterS: number;
  seconds: number;
  load: LoadResult;
}

/**
 * Does a freshly started process's memory settle under steady load? It serves `scenario` for `seconds` in one
 * wrk run; its RSS is read a quarter of the way in (the heap has grown to its working size by then), as the run
 * ends, and every 50 ms for the peak.
 */
export async function rssOverRun(target: Target, scenario: Scenario, seconds: number, scriptDir: string): Promise<Growth> {
  const pid = target.child.pid;
  const rssReady = readRss(pid) ?? Number.NaN;
  const quarterS = seconds / 4;
  let rssQuarter = Number.NaN;
  const timer = setTimeout(() => (rssQuarter = readRss(pid) ?? Number.NaN), quarterS * 1000);
  const sampler = sampleRss(pid);
  let rssEnd: number;
  let rssPeak: number;
  let load: LoadResult;
  try {
    load = await drive(target, scenario, seconds, scriptDir);
    rssEnd = readRss(pid) ?? Number.NaN;
  } finally {
    clearTimeout(timer);
    rssPeak = sampler.stop().peak;
  }
  return { rssReady, rssQuarter, rssEnd, rssPeak, quarterS, seconds, load };
}

export interface BigGrowth {
  /** Peak RSS during the run minus RSS before it (bytes). */
  growth: number;
  load: LoadResult;
}

/** How much a process that has so far served small answers grows while it serves `scenario` (the 10 MB body). */
export async function rssGrowthServing(target: Target, scenario: Scenario, seconds: number, scriptDir: string): Promise<BigGrowth> {
  const before = readRss(target.child.pid) ?? Number.NaN;
  const sampler = sampleRss(target.child.pid);
  let load: LoadResult;
  let peak: number;
  try {
    load = await drive(target, scenario, seconds, scriptDir);
  } finally {
    peak = sampler.stop().peak;
  }
  return { growth: peak - before, load };
}

/** A freshly started process's RSS over the GET run, then its growth serving the 10 MB body. */
export interface MemoryRuns {
  growth: Growth;
  bigGrowth: BigGrowth;
}

/** The GET run for `growthS` seconds (rssOverRun), then the 10 MB body for `bigS` seconds (rssGrowthServing), on one process. */
export async function memoryRuns(target: Target, get: Scenario, big: Scenario, growthS: number, bigS: number, scriptDir: string): Promise<MemoryRuns> {
  const growth = await rssOverRun(target, get, growthS, scriptDir);
  return { growth, bigGrowth: await rssGrowthServing(target, big, bigS, scriptDir) };
}
