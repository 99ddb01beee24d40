import type { Cell } from './matrix.js';
import { TARGET_ORDER } from './matrix.js';
import type { Scenario, ScenarioId } from './scenarios.js';
import { MB, max, median, min } from './stats.js';
import type { Growth } from './streaming.js';
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
  non2xx: number;
  errors: number;
}

export interface RatioRow {
  scenario: ScenarioId;
  /** Medians over rounds of the ratio within each round (A and B measured back to back). */
  rpsAB: number;
  p99AB: number;
  /** CPU time per answer, A over B. */
  cpuAB: number;
  rpsAC: number;
  rpsABMin: number;
  rpsABMax: number;
  /** Tracing's cost: T (A with tracing on) over A, within each round. */
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
  /** A's RSS growth (MB) in each round of the 10 MB scenario: peak during minus RSS before. */
  bigGrowthMB: number[];
  /** RSS growth (MB) of a freshly started A and B serving the 10 MB scenario. */
  freshGrowthMB: { A: number; B: number };
  checks: Check[];
}

export interface Limits {
  rssMaxMB: number;
  bigGrowthMaxMB: number;
  startToReadyMaxMs: number;
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

const f2 = (n: number): string => n.toFixed(2);

export function summarize(
  cells: readonly Cell[],
  scenarios: readonly Scenario[],
  startToReadyMs: readonly number[],
  fresh: { A: Growth; B: Growth },
  limits: Limits,
): Summary {
  const rows: TargetRow[] = [];
  const ratios: RatioRow[] = [];
  for (const s of scenarios) {
    for (const target of TARGET_ORDER) {
      const cs = cellsOf(cells, s.id, target);
      rows.push({
        scenario: s.id,
        target,
        rps: median(cs.map((c) => c.load.rps)),
        p50: median(cs.map((c) => c.load.p50)),
        p99: median(cs.map((c) => c.load.p99)),
        mbPerSec: median(cs.map((c) => c.load.bytesPerSec / MB)),
        rssPeakMB: max(cs.map((c) => c.rssPeak / MB)),
        cpuUsPerRequest: median(cs.map((c) => c.cpuUsPerRequest)),
        non2xx: cs.reduce((n, c) => n + c.load.non2xx, 0),
        errors: cs.reduce((n, c) => n + c.load.errors, 0),
      });
    }
    const rpsAB = pairwise(cells, s.id, 'A', 'B', (c) => c.load.rps);
    ratios.push({
      scenario: s.id,
      rpsAB: median(rpsAB),
      p99AB: median(pairwise(cells, s.id, 'A', 'B', (c) => c.load.p99)),
      cpuAB: median(pairwise(cells, s.id, 'A', 'B', (c) => c.cpuUsPerRequest)),
      rpsAC: median(pairwise(cells, s.id, 'A', 'C', (c) => c.load.rps)),
      rpsABMin: min(rpsAB),
      rpsABMax: max(rpsAB),
      rpsTA: median(pairwise(cells, s.id, 'T', 'A', (c) => c.load.rps)),
      p99TA: median(pairwise(cells, s.id, 'T', 'A', (c) => c.load.p99)),
      cpuTA: median(pairwise(cells, s.id, 'T', 'A', (c) => c.cpuUsPerRequest)),
    });
  }

  const bigGrowthMB = cellsOf(cells, 'big', 'A').map((c) => (c.rssPeak - c.rssBefore) / MB);
  const startToReadyMedianMs = median([...startToReadyMs]);
  const ratio = (id: ScenarioId): RatioRow | undefined => ratios.find((r) => r.scenario === id);
  const row = (id: ScenarioId, t: TargetId): TargetRow | undefined => rows.find((r) => r.scenario === id && r.target === t);

  const checks: Check[] = [];
  for (const id of ['get', 'post'] as const) {
    const r = ratio(id);
    if (r === undefined) continue;
    checks.push({
      name: `A/B throughput >= 1.0 (${id.toUpperCase()})`,
      pass: r.rpsAB >= 1.0,
      detail: `median A/B ${f2(r.rpsAB)} (rounds ${f2(r.rpsABMin)}..${f2(r.rpsABMax)}); A ${row(id, 'A')?.rps.toFixed(0)} req/s, B ${row(id, 'B')?.rps.toFixed(0)} req/s`,
    });
  }
  for (const s of scenarios) {
    const r = ratio(s.id);
    if (r === undefined) continue;
    checks.push({
      name: `p99 of A <= p99 of B (${s.id === 'big' ? '10 MB' : s.id.toUpperCase()})`,
      pass: r.p99AB <= 1.0,
      detail: `median A/B p99 ${f2(r.p99AB)}; A ${f2(row(s.id, 'A')?.p99 ?? NaN)} ms, B ${f2(row(s.id, 'B')?.p99 ?? NaN)} ms`,
    });
  }
  const rssA = max(cells.filter((c) => c.target === 'A').map((c) => c.rssPeak / MB));
  checks.push({ name: `RSS of A under load <= ${limits.rssMaxMB} MB`, pass: rssA <= limits.rssMaxMB, detail: `highest peak in any cell ${rssA.toFixed(1)} MB` });
  const freshGrowthMB = { A: fresh.A.growth / MB, B: fresh.B.growth / MB };
  const growth = max(bigGrowthMB);
  checks.push({
    name: `10 MB body streamed: A's RSS grows < ${limits.bigGrowthMaxMB} MB with ${scenarios.find((s) => s.id === 'big')?.connections ?? '?'} callers`,
    pass: growth < limits.bigGrowthMaxMB,
    detail:
      `largest growth in the rounds +${growth.toFixed(1)} MB (+${bigGrowthMB.map((g) => g.toFixed(1)).join(', +')}); ` +
      `for scale, a freshly started A grows +${freshGrowthMB.A.toFixed(1)} MB and B, a pure streaming proxy, +${freshGrowthMB.B.toFixed(1)} MB`,
  });
  checks.push({
    name: `start to ready < ${limits.startToReadyMaxMs} ms`,
    pass: startToReadyMedianMs < limits.startToReadyMaxMs,
    detail: `median ${startToReadyMedianMs.toFixed(0)} ms (${startToReadyMs.map((v) => v.toFixed(0)).join(', ')})`,
  });
  const bad = cells.filter((c) => c.load.non2xx > 0 || c.load.errors > 0);
  checks.push({
    name: 'every answer 2xx, no connection errors (the numbers are valid)',
    pass: bad.length === 0,
    detail:
      bad.length === 0
        ? `${cells.reduce((n, c) => n + c.load.ok, 0)} answers`
        : bad.map((c) => `r${c.round} ${c.scenario} ${c.target}: statuses ${JSON.stringify(c.load.statuses)}, ${c.load.errors} errors`).join('; '),
  });
  return { rows, ratios, startToReadyMedianMs, bigGrowthMB, freshGrowthMB, checks };
}
