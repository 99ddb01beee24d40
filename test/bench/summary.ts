import type { BigGrowth, Growth, MemoryRuns } from './growth.js';
import type { Cell } from './matrix.js';
import type { Scenario, ScenarioId } from './scenarios.js';
import { MB, max, median, min } from './stats.js';
import type { TargetId } from './targets.js';

export interface TargetRow {
  scenario: ScenarioId;
  target: TargetId;
  /** Medians over rounds. */
  rps: number;
  p50: number;
  p99: number;
  mbPerSec: number;
  /** Highest RSS sampled in any round (MB). */
  rssPeakMB: number;
  /** The target's CPU time per answer (µs), median over rounds. */
  cpuUsPerRequest: number;
  /** Of it, the kernel's (system) time per answer (µs), median over rounds. */
  systemUsPerRequest: number;
  non2xx: number;
  errors: number;
}

/** Medians over rounds of ratios taken within each round (the targets measured back to back). */
export interface RatioRow {
  scenario: ScenarioId;
  rpsAB: number;
  rpsABMin: number;
  rpsABMax: number;
  p99AB: number;
  /** CPU time per answer, A over B. */
  cpuAB: number;
  rpsAC: number;
  cpuAC: number;
  p99AC: number;
  /** Tracing's cost: T (A with tracing on) over A. */
  rpsTA: number;
  p99TA: number;
  cpuTA: number;
}

export interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

export interface Summary {
  rows: TargetRow[];
  ratios: RatioRow[];
  startToReadyMedianMs: number;
  /** RSS of a freshly started A over the GET run. */
  growth: Growth;
  /** The same A's RSS growth serving the 10 MB body. */
  bigGrowth: BigGrowth;
  /** B measured the same way (a fresh process, the GET run, then the 10 MB body): what the limits mean for Node itself. */
  bare: MemoryRuns;
  checks: Check[];
}

export interface Limits {
  rssMaxMB: number;
  growthMaxMB: number;
  bigGrowthMaxMB: number;
  startToReadyMaxMs: number;
  cpuOverThinMax: number;
}

function cellsOf(cells: readonly Cell[], scenario: ScenarioId, target: TargetId): Cell[] {
  return cells.filter((c) => c.scenario === scenario && c.target === target);
}

function pairwise(cells: readonly Cell[], scenario: ScenarioId, num: TargetId, den: TargetId, value: (c: Cell) => number): number[] {
  const out: number[] = [];
  for (const a of cellsOf(cells, scenario, num)) {
    const b = cells.find((c) => c.scenario === scenario && c.target === den && c.round === a.round);
    if (b !== undefined) out.push(value(a) / value(b));
  }
  return out;
}

const f0 = (n: number | undefined): string => (n ?? Number.NaN).toFixed(0);
const f1 = (n: number | undefined): string => (n ?? Number.NaN).toFixed(1);
const f2 = (n: number | undefined): string => (n ?? Number.NaN).toFixed(2);
const rps = (c: Cell): number => c.load.rps;
const p99 = (c: Cell): number => c.load.p99;
const cpu = (c: Cell): number => c.cpuUsPerRequest;

export function summarize(
  cells: readonly Cell[],
  scenarios: readonly Scenario[],
  targets: readonly TargetId[],
  startToReadyMs: readonly number[],
  growth: Growth,
  bigGrowth: BigGrowth,
  bare: MemoryRuns,
  limits: Limits,
): Summary {
  const rows: TargetRow[] = [];
  const ratios: RatioRow[] = [];
  for (const s of scenarios) {
    for (const target of targets) {
      const cs = cellsOf(cells, s.id, target);
      rows.push({
        scenario: s.id,
        target,
        rps: median(cs.map(rps)),
        p50: median(cs.map((c) => c.load.p50)),
        p99: median(cs.map(p99)),
        mbPerSec: median(cs.map((c) => c.load.bytesPerSec / MB)),
        rssPeakMB: max(cs.map((c) => c.rssPeak / MB)),
        cpuUsPerRequest: median(cs.map(cpu)),
        systemUsPerRequest: median(cs.map((c) => c.systemUsPerRequest)),
        non2xx: cs.reduce((n, c) => n + c.load.non2xx, 0),
        errors: cs.reduce((n, c) => n + c.load.errors, 0),
      });
    }
    const ratio = (num: TargetId, den: TargetId, value: (c: Cell) => number): number => median(pairwise(cells, s.id, num, den, value));
    const rpsAB = pairwise(cells, s.id, 'A', 'B', rps);
    ratios.push({
      scenario: s.id,
      rpsAB: median(rpsAB),
      rpsABMin: min(rpsAB),
      rpsABMax: max(rpsAB),
      p99AB: ratio('A', 'B', p99),
      cpuAB: ratio('A', 'B', cpu),
      rpsAC: ratio('A', 'C', rps),
      cpuAC: ratio('A', 'C', cpu),
      p99AC: ratio('A', 'C', p99),
      rpsTA: ratio('T', 'A', rps),
      p99TA: ratio('T', 'A', p99),
      cpuTA: ratio('T', 'A', cpu),
    });
  }

  const ratioOf = (id: ScenarioId): RatioRow | undefined => ratios.find((r) => r.scenario === id);
  const row = (id: ScenarioId, t: TargetId): TargetRow | undefined => rows.find((r) => r.scenario === id && r.target === t);
  const checks: Check[] = [];
  for (const id of ['get', 'post'] as const) {
    const r = ratioOf(id);
    if (r === undefined) continue;
    const name = id.toUpperCase();
    const a = row(id, 'A');
    const b = row(id, 'B');
    const c = row(id, 'C');
    // Met by the median of the per-round ratios; the detail also says how many rounds met it on their own, since a
    // median alone hides a close call.
    const againstB = (value: (c: Cell) => number, met: (ratio: number) => boolean): { pass: boolean; ratios: string } => {
      const perRound = pairwise(cells, id, 'A', 'B', value);
      const m = median(perRound);
      const rounds = `rounds ${f2(min(perRound))}..${f2(max(perRound))}, met in ${perRound.filter(met).length} of ${perRound.length}`;
      return { pass: met(m), ratios: `median A/B ${f2(m)} (${rounds})` };
    };
    const throughput = againstB(rps, (ratio) => ratio >= 1.0);
    const cpuTime = againstB(cpu, (ratio) => ratio <= 1.0);
    const latency = againstB(p99, (ratio) => ratio <= 1.0);
    checks.push(
      { name: `${name} throughput A/B >= 1.0`, pass: throughput.pass, detail: `${throughput.ratios}; A ${f0(a?.rps)} req/s, B ${f0(b?.rps)} req/s` },
      { name: `${name} CPU per request A <= B`, pass: cpuTime.pass, detail: `${cpuTime.ratios}; A ${f1(a?.cpuUsPerRequest)} µs, B ${f1(b?.cpuUsPerRequest)} µs` },
      { name: `${name} p99 A <= B`, pass: latency.pass, detail: `${latency.ratios}; A ${f2(a?.p99)} ms, B ${f2(b?.p99)} ms` },
      {
        name: `${name} stretch: CPU per request A <= ${limits.cpuOverThinMax} x C`,
        pass: r.cpuAC <= limits.cpuOverThinMax,
        detail: `median A/C ${f2(r.cpuAC)}; A ${f1(a?.cpuUsPerRequest)} µs, C ${f1(c?.cpuUsPerRequest)} µs`,
      },
    );
  }
  const quarterMB = growth.rssQuarter / MB;
  const endMB = growth.rssEnd / MB;
  checks.push(
    {
      name: `RSS of A under the GET load <= ${limits.rssMaxMB} MB`,
      pass: growth.rssPeak / MB <= limits.rssMaxMB,
      detail: `highest 50 ms sample of a freshly started A over ${growth.seconds} s of GET ${f1(growth.rssPeak / MB)} MB (B alike: ${f1(bare.growth.rssPeak / MB)} MB)`,
    },
    {
      name: `no growth: RSS of A at ${growth.seconds} s <= RSS at ${growth.quarterS} s + ${limits.growthMaxMB} MB (GET load)`,
      pass: endMB <= quarterMB + limits.growthMaxMB,
      detail: `ready ${f1(growth.rssReady / MB)} MB, at ${growth.quarterS} s ${f1(quarterMB)} MB, at ${growth.seconds} s ${f1(endMB)} MB (${f0(growth.load.rps)} req/s)`,
    },
    {
      name: `10 MB body streamed: A's RSS grows < ${limits.bigGrowthMaxMB} MB with ${scenarios.find((s) => s.id === 'big')?.connections ?? '?'} callers`,
      pass: bigGrowth.growth / MB < limits.bigGrowthMaxMB,
      detail: `the same A after the GET run, peak during minus before: +${f1(bigGrowth.growth / MB)} MB (B alike: +${f1(bare.bigGrowth.growth / MB)} MB)`,
    },
  );
  const startToReadyMedianMs = median([...startToReadyMs]);
  checks.push({
    name: `start to ready < ${limits.startToReadyMaxMs} ms`,
    pass: startToReadyMedianMs < limits.startToReadyMaxMs,
    detail: `median ${f0(startToReadyMedianMs)} ms (${startToReadyMs.map(f0).join(', ')})`,
  });
  const runs = [
    ...cells.map((c) => ({ what: `r${c.round} ${c.scenario} ${c.target}`, load: c.load })),
    { what: 'growth run', load: growth.load },
    { what: '10 MB growth run', load: bigGrowth.load },
    { what: 'growth run of B', load: bare.growth.load },
    { what: '10 MB growth run of B', load: bare.bigGrowth.load },
  ];
  const bad = runs.filter((r) => r.load.non2xx > 0 || r.load.errors > 0);
  checks.push({
    name: 'every answer 2xx, no socket errors (otherwise the numbers mean nothing)',
    pass: bad.length === 0,
    detail: bad.length === 0 ? `${runs.reduce((n, r) => n + r.load.requests, 0)} answers` : bad.map((r) => `${r.what}: ${r.load.non2xx} non-2xx, ${r.load.errors} errors`).join('; '),
  });
  return { rows, ratios, startToReadyMedianMs, growth, bigGrowth, bare, checks };
}
