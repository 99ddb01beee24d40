import type { Machine } from './machine.js';
import type { ProfileSummary } from './profile-summary.js';
import { formatSummary } from './profile-summary.js';
import type { Scenario } from './scenarios.js';
import type { BenchSettings } from './settings.js';
import { MB } from './stats.js';
import type { Summary } from './summary.js';
import { TARGET_NAMES, type TargetId } from './targets.js';

export interface ReportInput {
  machine: Machine;
  /** wrk's and nginx's version lines. */
  tools: string;
  settings: BenchSettings;
  scenarios: readonly Scenario[];
  targets: readonly TargetId[];
  /** The order the targets were measured in, in odd rounds (even rounds reverse it). */
  order: readonly TargetId[];
  summary: Summary;
  profile: (ProfileSummary & { rps: number }) | undefined;
  /** Each target's RSS (MB) once ready, before any request. */
  idleRssMB: Partial<Record<TargetId, number>>;
  wallClockS: number;
  /** Spans the traced target T exported to the local sink over the whole run. */
  tracedSpans: number;
}

const n0 = (n: number | undefined): string => (n !== undefined && Number.isFinite(n) ? n.toFixed(0) : '-');
const n1 = (n: number | undefined): string => (n !== undefined && Number.isFinite(n) ? n.toFixed(1) : '-');
const n2 = (n: number | undefined): string => (n !== undefined && Number.isFinite(n) ? n.toFixed(2) : '-');

export function passFailLines(summary: Summary): string[] {
  return summary.checks.map((c) => `${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
}

/** The whole run as Markdown: machine, results per target and scenario, ratios, checks, profile. */
export function markdownReport(r: ReportInput): string {
  const title = (id: string): string => r.scenarios.find((s) => s.id === id)?.title ?? id;
  const s = r.summary;
  const out = [
    `# vt-access-gateway benchmark, ${r.machine.date}`,
    '',
    `Machine: ${r.machine.nproc} CPUs (nproc), ${r.machine.cpuModel}, ${r.machine.memTotalMB} MB RAM, ${r.machine.kernel}, Node ${r.machine.node}; ${r.tools}.`,
    'Targets pinned to CPU 0 (`taskset -c 0`), wrk and nginx (one worker) to CPU 1. Ratios taken within a round are what count; absolute figures vary with the machine and its other load.',
    `Run: every target and scenario primed ${r.settings.primeS} s, then ${r.settings.rounds} rounds per scenario, the targets one after the other (${r.order.join(', ')}, every other round in the reverse order); ` +
      `${r.settings.secondsPerCell} s per cell after a ${r.settings.warmupS} s warm-up; wrk 1 thread, ` +
      `connections: ${r.scenarios.map((x) => `${x.id} ${x.connections}`).join(', ')}. Wall clock ${n0(r.wallClockS)} s.`,
    `Targets: ${r.targets.map((id) => TARGET_NAMES[id]).join('; ')}.`,
    '',
    '| Scenario | Target | req/s | p50 ms | p99 ms | MB/s | CPU µs/req | of it kernel | peak RSS MB | non-2xx / errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...s.rows.map(
      (row) =>
        `| ${title(row.scenario)} | ${row.target} | ${n0(row.rps)} | ${n2(row.p50)} | ${n2(row.p99)} | ${n1(row.mbPerSec)} | ${n1(row.cpuUsPerRequest)} | ${n1(row.systemUsPerRequest)} | ${n1(row.rssPeakMB)} | ${row.non2xx} / ${row.errors} |`,
    ),
    '',
    "Medians over rounds; peak RSS: the highest 50 ms sample of any round (warm-up included; after the 10 MB cells). CPU µs/req: the target process's",
    'user + system time (/proc/<pid>/stat) during the measured run over its answers; of it kernel: the system part (its socket',
    'and file calls). Latency: wrk\'s histogram.',
    '',
    '| Scenario | A/B req/s (rounds) | A/B CPU | A/B p99 | A/C req/s | A/C CPU | A/C p99 | T/A req/s | T/A CPU | T/A p99 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...s.ratios.map(
      (x) =>
        `| ${title(x.scenario)} | ${n2(x.rpsAB)} (${n2(x.rpsABMin)}..${n2(x.rpsABMax)}) | ${n2(x.cpuAB)} | ${n2(x.p99AB)} | ${n2(x.rpsAC)} | ${n2(x.cpuAC)} | ${n2(x.p99AC)} | ${n2(x.rpsTA)} | ${n2(x.cpuTA)} | ${n2(x.p99TA)} |`,
    ),
    '',
    'Ratios: taken within each round (the targets measured back to back), then the median over rounds.',
    `Tracing's cost (T/A): T is A with OTEL_EXPORTER_OTLP_ENDPOINT set (SDK defaults), exporting to a sink in the benchmark's own process (on CPU 1) that counted ${r.tracedSpans} spans.`,
    '',
    `RSS once ready, before any request: ${r.targets.map((id) => `${id} ${n1(r.idleRssMB[id])} MB`).join(', ')}.`,
    `Start to ready of A (spawn of \`npm start\`'s node command to the first 200 on /healthz): median ${n0(s.startToReadyMedianMs)} ms.`,
    `RSS of a freshly started A over a ${s.growth.seconds} s GET run: ready ${n1(s.growth.rssReady / MB)} MB, at ${s.growth.quarterS} s ${n1(s.growth.rssQuarter / MB)} MB, ` +
      `at ${s.growth.seconds} s ${n1(s.growth.rssEnd / MB)} MB, peak ${n1(s.growth.rssPeak / MB)} MB; then serving the 10 MB body +${n1(s.bigGrowth.growth / MB)} MB.`,
    `B measured the same way (freshly started, Node's default heap settings): ready ${n1(s.bare.growth.rssReady / MB)} MB, at ${s.bare.growth.quarterS} s ${n1(s.bare.growth.rssQuarter / MB)} MB, ` +
      `at ${s.bare.growth.seconds} s ${n1(s.bare.growth.rssEnd / MB)} MB, peak ${n1(s.bare.growth.rssPeak / MB)} MB; then serving the 10 MB body +${n1(s.bare.bigGrowth.growth / MB)} MB.`,
    '',
    '```',
    ...passFailLines(s),
    '```',
  ];
  if (r.profile !== undefined) {
    out.push('', `## CPU profile of A, GET scenario, ${r.settings.profileS} s at ${n0(r.profile.rps)} req/s`, '', formatSummary(r.profile));
  }
  return `${out.join('\n')}\n`;
}
