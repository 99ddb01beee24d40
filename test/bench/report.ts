import type { Machine } from './machine.js';
import type { ProfileSummary } from './profile-summary.js';
import { formatSummary } from './profile-summary.js';
import type { Scenario } from './scenarios.js';
import type { BenchSettings } from './settings.js';
import type { Summary } from './summary.js';
import { TARGET_NAMES, type TargetId } from './targets.js';

export interface ReportInput {
  machine: Machine;
  settings: BenchSettings;
  scenarios: readonly Scenario[];
  summary: Summary;
  profile: (ProfileSummary & { rps: number }) | undefined;
  /** Each target's RSS (MB) once ready, before any request. */
  idleRssMB: Record<TargetId, number>;
  wallClockS: number;
  /** Spans the traced target T exported to the local sink over the whole run. */
  tracedSpans: number;
}

const n0 = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '-');
const n1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '-');
const n2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '-');

export function passFailLines(summary: Summary): string[] {
  return summary.checks.map((c) => `${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
}

/** The whole run as Markdown: machine, results per target and scenario, A/B ratios, checks, profile. */
export function markdownReport(r: ReportInput): string {
  const title = (id: string): string => r.scenarios.find((s) => s.id === id)?.title ?? id;
  const s = r.summary;
  const out = [
    `# vt-access-gateway benchmark, ${r.machine.date}`,
    '',
    `Machine: ${r.machine.nproc} CPUs (nproc), ${r.machine.cpuModel}, ${r.machine.memTotalMB} MB RAM, ${r.machine.kernel}, Node ${r.machine.node}.`,
    `Load generator (autocannon, in the benchmark's process), fake upstream, proxy and gateway all share these CPUs: read medians and ratios, not absolute numbers.`,
    `Run: every target and scenario primed ${r.settings.primeS} s, then ${r.settings.rounds} rounds alternating A, T, B, C per scenario; ` +
      `${r.settings.secondsPerCell} s per cell after a ${r.settings.warmupS} s warm-up (10 MB: whole answers, as many as the warm-up's rate gives in ` +
      `${r.scenarios.find((x) => x.id === 'big')?.durationS ?? '?'} s, so that no body is cut off); ` +
      `connections: ${r.scenarios.map((x) => `${x.id} ${x.connections}`).join(', ')}. Wall clock ${n0(r.wallClockS)} s.`,
    `Targets: ${Object.values(TARGET_NAMES).join('; ')}.`,
    '',
    '| Scenario | Target | req/s | p50 ms | p99 ms | MB/s | peak RSS MB | CPU µs/req | non-2xx / errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...s.rows.map(
      (row) =>
        `| ${title(row.scenario)} | ${row.target} | ${n0(row.rps)} | ${n2(row.p50)} | ${n2(row.p99)} | ${n1(row.mbPerSec)} | ${n1(row.rssPeakMB)} | ${n1(row.cpuUsPerRequest)} | ${row.non2xx} / ${row.errors} |`,
    ),
    '',
    'req/s, p50, p99, MB/s and CPU: medians over rounds; peak RSS: the highest 50 ms sample of any round (warm-up included);',
    "CPU µs/req: the target process's user + system time during the measured run over its answers (/proc/<pid>/stat).",
    '',
    '| Scenario | A/B req/s | A/B p99 | A/B CPU per request | A/B req/s per round (min..max) | A/C req/s |',
    '|---|---:|---:|---:|---:|---:|',
    ...s.ratios.map(
      (x) => `| ${title(x.scenario)} | ${n2(x.rpsAB)} | ${n2(x.p99AB)} | ${n2(x.cpuAB)} | ${n2(x.rpsABMin)}..${n2(x.rpsABMax)} | ${n2(x.rpsAC)} |`,
    ),
    '',
    'Ratios are taken within each round (A and B measured back to back), then the median over rounds.',
    '',
    '| Scenario | T/A req/s | T/A p99 | T/A CPU per request |',
    '|---|---:|---:|---:|',
    ...s.ratios.map((x) => `| ${title(x.scenario)} | ${n2(x.rpsTA)} | ${n2(x.p99TA)} | ${n2(x.cpuTA)} |`),
    '',
    `Tracing's cost: T is A with OTEL_EXPORTER_OTLP_ENDPOINT set (SDK defaults: batches of 512, queue of 2048; spans beyond it are dropped), exporting to a sink in the benchmark's process that counted ${r.tracedSpans} spans.`,
    '',
    `RSS once ready, before any request: A ${n1(r.idleRssMB.A)} MB, T ${n1(r.idleRssMB.T)} MB, B ${n1(r.idleRssMB.B)} MB, C ${n1(r.idleRssMB.C)} MB.`,
    `Start to ready of A (spawn of \`npm start\`'s node command to the first 200 on /healthz): median ${n0(s.startToReadyMedianMs)} ms.`,
    `RSS growth serving the 10 MB body to ${r.scenarios.find((x) => x.id === 'big')?.connections ?? '?'} concurrent callers (peak during minus before): ` +
      `freshly started A +${n1(s.freshGrowthMB.A)} MB, B +${n1(s.freshGrowthMB.B)} MB; A in the rounds (heap already grown) +${s.bigGrowthMB.map(n1).join(', +')} MB.`,
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
