/**
 * `npm run bench`: the gateway (A, and T: A with tracing on) against a bare @fastify/reply-from proxy (B) and the
 * thinnest fastify + undici proxy (C), driven by wrk with nginx as the upstream, the targets on CPU 0 and wrk plus
 * nginx on CPU 1, alternating the targets round after round. See test/bench/README.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { staleBuild } from './build-freshness.js';
import { buildChild } from './child-build.js';
import { killAllChildren, LOAD_CORE, type Child } from './child-process.js';
import { memoryRuns } from './growth.js';
import { describeMachine } from './machine.js';
import { runMatrix, type Cell } from './matrix.js';
import { startNginx } from './nginx-upstream.js';
import { startOtlpSink } from './otlp-sink.js';
import { INSTALL_HINT, findProgram, missingPrograms } from './prerequisites.js';
import { profileGateway } from './profile.js';
import { readProfile, summarizeProfile } from './profile-summary.js';
import { markdownReport, passFailLines } from './report.js';
import { writeResults } from './results-files.js';
import { readRss } from './rss.js';
import { sanityCheck } from './sanity.js';
import { scenarios as allScenarios, type Scenario, type ScenarioId } from './scenarios.js';
import { benchSettings, LIMITS } from './settings.js';
import { measureStartToReady } from './start-to-ready.js';
import { MB } from './stats.js';
import { summarize } from './summary.js';
import { gatewayEnvironment, gatewayTarget, newBenchSetup, startGateway, startProxy, type Target } from './targets.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function scenario(list: readonly Scenario[], id: ScenarioId): Scenario {
  const found = list.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no scenario ${id}`);
  return found;
}

function describeCell(c: Cell): string {
  const trouble = c.load.non2xx + c.load.errors > 0 ? `  NON-2XX ${c.load.non2xx} ERRORS ${c.load.errors}` : '';
  return (
    `  round ${c.round} ${c.scenario.padEnd(4)} ${c.target}: ${c.load.rps.toFixed(0).padStart(6)} req/s  p50 ${c.load.p50.toFixed(2)} ms  ` +
    `p99 ${c.load.p99.toFixed(2)} ms  CPU ${c.cpuUsPerRequest.toFixed(1)} µs/req (kernel ${c.systemUsPerRequest.toFixed(1)})  RSS ${(c.rssBefore / MB).toFixed(0)} -> peak ${(c.rssPeak / MB).toFixed(0)} MB  ` +
    `(quiet after ${c.quiet.waitedMs.toFixed(0)} ms, ${(c.quiet.spentUs / 1000).toFixed(0)} ms CPU)${trouble}`
  );
}

/** The first line wrk and nginx print about their version (wrk -v exits 1; nginx -v writes to stderr). */
function toolVersions(): string {
  const firstLine = (program: string, flag: string): string => {
    const r = spawnSync(findProgram(program) ?? program, [flag], { encoding: 'utf8' });
    return `${r.stdout}${r.stderr}`.split('\n')[0]?.trim() ?? program;
  };
  return `${firstLine('wrk', '-v').split(' Copyright')[0] ?? 'wrk'}, ${firstLine('nginx', '-v')}`;
}

async function main(): Promise<void> {
  const began = performance.now();
  const settings = benchSettings();
  const stale = staleBuild();
  if (stale?.startsWith('dist/server.js is missing') === true) throw new Error(stale);
  if (stale !== undefined) log(`WARNING: ${stale}`);
  const machine = describeMachine();
  // The benchmark's own process (its OTLP sink, its RSS sampling) stays off the targets' core.
  execFileSync('taskset', ['-a', '-p', '-c', LOAD_CORE, String(process.pid)], { stdio: 'ignore' });
  const tools = toolVersions();
  const scenarios = allScenarios(settings.secondsPerCell);
  const setup = newBenchSetup('vtgw-bench-');
  const { workDir, token } = setup;
  const children: Child[] = [];
  const closers: (() => Promise<void>)[] = [];
  try {
    const upstream = await startNginx(workDir, setup.vtKey);
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
    const bare = await startProxy('B', buildChild('bare-proxy'), upstream.url, setup.vtKey);
    children.push(bare.child);
    const thin = await startProxy('C', buildChild('thin-proxy'), upstream.url, setup.vtKey);
    children.push(thin.child);
    const targetA = gatewayTarget(gateway, envA, token);
    const targetT = gatewayTarget(traced, envT, token, 'T');
    const targets: Target[] = [targetA, targetT, bare, thin];
    // The host's speed drifts within minutes: the cells a ratio compares (A/B, T/A) are measured one right after the
    // other in every round (B, A, T, C, then C, T, A, B).
    const order: Target[] = [bare, targetA, targetT, thin];
    const idleRssMB = Object.fromEntries(targets.map((t) => [t.id, (readRss(t.child.pid) ?? Number.NaN) / MB]));

    const problems = await sanityCheck(targets, scenarios, `http://127.0.0.1:${envA.METRICS_PORT ?? ''}/metrics`, envA.AUDIT_LOG_PATH ?? '');
    if (problems.length > 0) throw new Error(`sanity check failed:\n  ${problems.join('\n  ')}`);
    log('sanity check: every target answers every scenario alike; metrics and audit log on');
    log(`priming every target and scenario for ${settings.primeS} s, then ${settings.rounds} rounds`);
    const cells = await runMatrix(order, scenarios, { rounds: settings.rounds, warmupS: settings.warmupS, primeS: settings.primeS, scriptDir: workDir, onCell: (c) => log(describeCell(c)) });
    for (const t of targets) await t.child.stop();

    const get = scenario(scenarios, 'get');
    log(`a freshly started A: RSS over a ${settings.growthS} s GET run, then serving the 10 MB body for ${settings.secondsPerCell} s`);
    const envFresh = await gatewayEnvironment(setup, upstream.url, 'audit-fresh');
    const fresh = gatewayTarget(await startGateway(envFresh), envFresh, token);
    children.push(fresh.child);
    const big = scenario(scenarios, 'big');
    const { growth, bigGrowth } = await memoryRuns(fresh, get, big, settings.growthS, settings.secondsPerCell, workDir);
    await fresh.child.stop();
    log(`a freshly started B, the same way: what these limits mean for a bare Node proxy`);
    const freshBare = await startProxy('B', buildChild('bare-proxy'), upstream.url, setup.vtKey);
    children.push(freshBare.child);
    const bareMemory = await memoryRuns(freshBare, get, big, settings.growthS, settings.secondsPerCell, workDir);
    await freshBare.child.stop();
    log(
      `  ready ${(growth.rssReady / MB).toFixed(1)} MB, ${growth.quarterS} s ${(growth.rssQuarter / MB).toFixed(1)} MB, ` +
        `${growth.seconds} s ${(growth.rssEnd / MB).toFixed(1)} MB, peak ${(growth.rssPeak / MB).toFixed(1)} MB; 10 MB body +${(bigGrowth.growth / MB).toFixed(1)} MB; ` +
        `B: peak ${(bareMemory.growth.rssPeak / MB).toFixed(1)} MB, 10 MB body +${(bareMemory.bigGrowth.growth / MB).toFixed(1)} MB`,
    );

    log(`profile: A under node --cpu-prof, GET, ${settings.profileS} s`);
    const prof = await profileGateway(setup, upstream.url, get, settings.profileS);
    const profile = { ...summarizeProfile(readProfile(prof.file), { top: 15, fromUs: prof.fromUs, toUs: prof.toUs }), rps: prof.load.rps };

    const ids = targets.map((t) => t.id);
    const summary = summarize(cells, scenarios, ids, startToReadyMs, growth, bigGrowth, bareMemory, LIMITS);
    const wallClockS = (performance.now() - began) / 1000;
    const tracedSpans = sink.spans();
    const md = markdownReport({ machine, tools, settings, scenarios, targets: ids, order: order.map((x) => x.id), summary, profile, idleRssMB, wallClockS, tracedSpans });
    const json = { machine, tools, settings, limits: LIMITS, wallClockS, startToReadyMs, idleRssMB, tracedSpans, growth, bigGrowth, bareMemory, summary, profile, cells };
    const base = writeResults(machine.date, md, json, prof.file);
    process.stdout.write(`\n${md}\n${passFailLines(summary).join('\n')}\n\n`);
    process.stdout.write(`Written: ${base}.md, .json and .cpuprofile (Chrome DevTools opens it); wall clock ${wallClockS.toFixed(0)} s\n`);
    if (stale !== undefined) process.stdout.write(`WARNING: ${stale}\n`);
    const invalid = summary.checks.find((c) => c.name.startsWith('every answer 2xx') && !c.pass);
    if (invalid !== undefined) throw new Error(`numbers refused: not every answer was a 2xx (${invalid.detail})`);
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    for (const close of closers) await close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

const missing = missingPrograms();
if (missing.length > 0) {
  process.stderr.write(`npm run bench needs ${missing.join(', ')}: ${INSTALL_HINT}\n`);
  process.exit(1);
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
