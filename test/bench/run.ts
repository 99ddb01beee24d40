/**
 * `npm run bench`: the gateway (A) against a bare @fastify/reply-from proxy (B) and the upstream itself (C), in one
 * run, alternating the targets round after round. See test/bench/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../../src/security/token.js';
import { writeClientsFile } from '../helpers/clients-file.js';
import { staleBuild } from './build-freshness.js';
import { buildChild } from './child-build.js';
import { killAllChildren, type Child } from './child-process.js';
import { describeMachine } from './machine.js';
import { runMatrix, type Cell } from './matrix.js';
import { profileGateway } from './profile.js';
import { readProfile, summarizeProfile } from './profile-summary.js';
import { markdownReport, passFailLines } from './report.js';
import { writeResults } from './results-files.js';
import { readRss } from './rss.js';
import { sanityCheck } from './sanity.js';
import { scenarios as allScenarios, type Scenario, type ScenarioId } from './scenarios.js';
import { benchSettings, LIMITS } from './settings.js';
import { measureStartToReady } from './start-to-ready.js';
import { MB, median } from './stats.js';
import { freshGrowth } from './streaming.js';
import { startOtlpSink } from './otlp-sink.js';
import { summarize } from './summary.js';
import { gatewayEnvironment, gatewayTarget, startBareProxy, startGateway, startUpstream, type BenchSetup, type Target, type TargetId } from './targets.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const rssMB = (pid: number): number => (readRss(pid) ?? Number.NaN) / MB;

function scenario(list: readonly Scenario[], id: ScenarioId): Scenario {
  const found = list.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no scenario ${id}`);
  return found;
}

function describeCell(c: Cell): string {
  const trouble = c.load.non2xx + c.load.errors > 0 ? `  statuses ${JSON.stringify(c.load.statuses)} errors ${c.load.errors}` : '';
  return (
    `  round ${c.round} ${c.scenario.padEnd(4)} ${c.target}: ${c.load.rps.toFixed(0).padStart(6)} req/s  p50 ${c.load.p50.toFixed(2)} ms  ` +
    `p99 ${c.load.p99.toFixed(2)} ms  CPU ${c.cpuUsPerRequest.toFixed(1)} µs/req  RSS ${(c.rssBefore / MB).toFixed(0)} -> peak ${(c.rssPeak / MB).toFixed(0)} MB${trouble}`
  );
}

async function main(): Promise<void> {
  const began = performance.now();
  const settings = benchSettings();
  const stale = staleBuild();
  if (stale?.startsWith('dist/server.js is missing') === true) throw new Error(stale);
  if (stale !== undefined) log(`WARNING: ${stale}`);

  const machine = describeMachine();
  const scenarios = allScenarios(settings.secondsPerCell);
  const workDir = mkdtempSync(join(tmpdir(), 'vtgw-bench-'));
  const token = mintToken();
  const setup: BenchSetup = { vtKey: `bench-key-${token.slice(-16)}`, token, clientsFile: writeClientsFile(workDir, token, 'svc-bench'), workDir };
  const children: Child[] = [];
  const closers: (() => Promise<void>)[] = [];
  try {
    const upstream = await startUpstream(buildChild('fake-upstream'), setup.vtKey);
    children.push(upstream.child);

    log(`start to ready: ${settings.starts} starts of node dist/server.js`);
    const startToReadyMs = await measureStartToReady(setup, upstream.url, settings.starts);
    log(`  ${startToReadyMs.map((v) => v.toFixed(0)).join(', ')} ms`);

    const envA = await gatewayEnvironment(setup, upstream.url, 'audit');
    const gateway = await startGateway(envA);
    children.push(gateway);
    const sink = await startOtlpSink();
    closers.push(() => sink.close());
    const envT = { ...(await gatewayEnvironment(setup, upstream.url, 'audit-traced')), OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint };
    const traced = await startGateway(envT, [], 'gateway (traced)');
    children.push(traced);
    const bare = await startBareProxy(buildChild('bare-proxy'), upstream.url, setup.vtKey);
    children.push(bare.child);
    const targets: Record<TargetId, Target> = { A: gatewayTarget(gateway, envA, token), T: { ...gatewayTarget(traced, envT, token), id: 'T' }, B: bare, C: upstream };
    const idleRssMB = { A: rssMB(gateway.pid), T: rssMB(traced.pid), B: rssMB(bare.child.pid), C: rssMB(upstream.child.pid) };

    const problems = await sanityCheck(Object.values(targets), scenarios, `http://127.0.0.1:${envA.METRICS_PORT ?? ''}/metrics`, envA.AUDIT_LOG_PATH ?? '');
    if (problems.length > 0) throw new Error(`sanity check failed:\n  ${problems.join('\n  ')}`);
    log('sanity check: every target answers every scenario alike; metrics and audit log on');
    log(`priming every target and scenario for ${settings.primeS} s, then ${settings.rounds} rounds`);
    const cells = await runMatrix(targets, scenarios, { rounds: settings.rounds, warmupS: settings.warmupS, primeS: settings.primeS, onCell: (c) => log(describeCell(c)) });
    await gateway.stop();
    await traced.stop();
    await bare.child.stop();

    log('10 MB body on a freshly started A and B');
    const big = scenario(scenarios, 'big');
    const bigRps = (id: TargetId): number => median(cells.filter((c) => c.scenario === 'big' && c.target === id).map((c) => c.load.rps));
    const startFreshA = async (): Promise<Target> => {
      const env = await gatewayEnvironment(setup, upstream.url, 'audit-fresh');
      return gatewayTarget(await startGateway(env), env, token);
    };
    const fresh = {
      A: await freshGrowth(startFreshA, big, big.durationS, bigRps('A')),
      B: await freshGrowth(() => startBareProxy(buildChild('bare-proxy'), upstream.url, setup.vtKey), big, big.durationS, bigRps('B')),
    };
    log(`  A +${(fresh.A.growth / MB).toFixed(1)} MB, B +${(fresh.B.growth / MB).toFixed(1)} MB`);

    log(`profile: A under node --cpu-prof, GET, ${settings.profileS} s`);
    const prof = await profileGateway(setup, upstream.url, scenario(scenarios, 'get'), settings.profileS);
    const profile = { ...summarizeProfile(readProfile(prof.file), { top: 15, fromUs: prof.fromUs, toUs: prof.toUs }), rps: prof.load.rps };

    const summary = summarize(cells, scenarios, startToReadyMs, fresh, LIMITS);
    const wallClockS = (performance.now() - began) / 1000;
    const tracedSpans = sink.spans();
    const md = markdownReport({ machine, settings, scenarios, summary, profile, idleRssMB, wallClockS, tracedSpans });
    const json = { machine, settings, limits: LIMITS, wallClockS, startToReadyMs, idleRssMB, tracedSpans, fresh, summary, profile, cells };
    const base = writeResults(machine.date, md, json, prof.file);
    process.stdout.write(`\n${md}\n${passFailLines(summary).join('\n')}\n\n`);
    process.stdout.write(`Written: ${base}.md, .json and .cpuprofile (Chrome DevTools opens it); wall clock ${wallClockS.toFixed(0)} s\n`);
    if (stale !== undefined) process.stdout.write(`WARNING: ${stale}\n`);
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    for (const close of closers) await close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

process.on('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}
main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
