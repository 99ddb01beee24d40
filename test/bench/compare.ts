/**
 * `npx tsx test/bench/compare.ts <checkout> [<checkout> ...]`: builds of the gateway side by side, with B beside them.
 * Each checkout is a directory holding a `dist/` built from it (`npx tsc -p tsconfig.build.json` there) and reaching
 * this repository's node_modules (a symlink will do); `.` is this checkout. Each build runs with this checkout's
 * `npm start` flags, on the benchmark's nginx upstream and pinning, and they are driven alternately by wrk with one scenario:
 * COMPARE_SCENARIO (get, post or big; get), BENCH_ROUNDS rounds (8) of BENCH_SECONDS (5); COMPARE_BARE=0 leaves B
 * out; COMPARE_NODE_FLAGS_<n> adds node flags to the n-th checkout's (1-based; later flags win, so `. .` with
 * COMPARE_NODE_FLAGS_2 compares a V8 setting against `npm start`'s). Prints each target's medians, its peak RSS, and
 * its CPU per request over the first build's, round by round.
 */
import { rmSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { alternate } from './alternating.js';
import { buildChild } from './child-build.js';
import { killAllChildren } from './child-process.js';
import { startNginx } from './nginx-upstream.js';
import { INSTALL_HINT, missingPrograms } from './prerequisites.js';
import { scenarios } from './scenarios.js';
import { intSetting } from './settings.js';
import { MB, max, median, min } from './stats.js';
import { gatewayEnvironment, gatewayTarget, newBenchSetup, startGateway, startProxy, type Target } from './targets.js';

const checkouts = process.argv.slice(2).map((dir) => resolve(dir));
const missing = missingPrograms();
if (missing.length > 0 || checkouts.length === 0) {
  process.stderr.write(missing.length > 0 ? `compare needs ${missing.join(', ')}: ${INSTALL_HINT}\n` : 'usage: npx tsx test/bench/compare.ts <checkout> [<checkout> ...]\n');
  process.exit(1);
}
const scenarioId = process.env.COMPARE_SCENARIO ?? 'get';
const rounds = intSetting('BENCH_ROUNDS', 8);
const seconds = intSetting('BENCH_SECONDS', 5);
const scenario = scenarios(seconds).find((s) => s.id === scenarioId);
if (scenario === undefined) {
  process.stderr.write(`COMPARE_SCENARIO must be get, post or big (got ${scenarioId})\n`);
  process.exit(1);
}

const setup = newBenchSetup('vtgw-compare-');
try {
  const upstream = await startNginx(setup.workDir, setup.vtKey);
  const targets: Target[] = [];
  const names = new Map<Target, string>();
  for (const [i, checkout] of checkouts.entries()) {
    const env = await gatewayEnvironment(setup, upstream.url, `audit-${i}`);
    const nodeFlags = (process.env[`COMPARE_NODE_FLAGS_${i + 1}`] ?? '').split(' ').filter((flag) => flag !== '');
    const name = `${i + 1}:${basename(checkout)}${nodeFlags.length > 0 ? ` ${nodeFlags.join(' ')}` : ''}`;
    const target = gatewayTarget(await startGateway(env, nodeFlags, name, checkout), env, setup.token);
    targets.push(target);
    names.set(target, name);
  }
  if (process.env.COMPARE_BARE !== '0') {
    const bare = await startProxy('B', buildChild('bare-proxy'), upstream.url, setup.vtKey);
    targets.push(bare);
    names.set(bare, 'B');
  }
  const series = await alternate(targets, scenario, {
    rounds,
    seconds,
    scriptDir: setup.workDir,
    problem: (target, detail) => process.stderr.write(`${names.get(target) ?? '?'}: ${detail}\n`),
  });
  process.stdout.write(`${scenario.title}, ${rounds} rounds of ${seconds} s, medians\n`);
  const first = targets[0] === undefined ? undefined : series.get(targets[0]);
  for (const target of targets) {
    const r = series.get(target);
    if (r === undefined) continue;
    const ratios = first === undefined ? [] : r.cpuUsPerRequest.map((cpu, i) => cpu / (first.cpuUsPerRequest[i] ?? Number.NaN));
    process.stdout.write(
      `${(names.get(target) ?? '?').padEnd(24)} CPU ${median(r.cpuUsPerRequest).toFixed(1)} µs/req (kernel ${median(r.systemUsPerRequest).toFixed(1)})  ${median(r.rps).toFixed(0)} req/s  ` +
        `p99 ${median(r.p99).toFixed(2)} ms  peak RSS ${(r.peakRss / MB).toFixed(1)} MB  ` +
        `CPU / first build ${median(ratios).toFixed(3)} (rounds ${min(ratios).toFixed(2)}..${max(ratios).toFixed(2)})\n`,
    );
  }
} finally {
  killAllChildren();
  rmSync(setup.workDir, { recursive: true, force: true });
}
