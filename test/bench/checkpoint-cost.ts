/**
 * `npx tsx test/bench/checkpoint-cost.ts`: what signed audit checkpoints cost. Two built gateways on the
 * benchmark's nginx upstream, one without and one with AUDIT_SIGNING_KEY_FILE (a checkpoint every
 * AUDIT_CHECKPOINT_EVERY_LINES lines, default 1000), driven alternately by wrk with the benchmark's GET and POST
 * scenarios (BENCH_ROUNDS rounds of BENCH_SECONDS each), pinned as `npm run bench` pins them. Prints requests/s,
 * p99 and CPU µs per request of each, medians over rounds.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { killAllChildren, type Child } from './child-process.js';
import { alternate } from './alternating.js';
import { startNginx } from './nginx-upstream.js';
import { INSTALL_HINT, missingPrograms } from './prerequisites.js';
import { scenarios } from './scenarios.js';
import { benchSettings } from './settings.js';
import { median } from './stats.js';
import { gatewayEnvironment, gatewayTarget, newBenchSetup, startGateway } from './targets.js';

const missing = missingPrograms();
if (missing.length > 0) {
  process.stderr.write(`checkpoint-cost needs ${missing.join(', ')}: ${INSTALL_HINT}\n`);
  process.exit(1);
}
const settings = benchSettings();
const setup = newBenchSetup('vtgw-checkpoint-bench-');
const { workDir, token } = setup;
const children: Child[] = [];
try {
  const upstream = await startNginx(workDir, setup.vtKey);
  children.push(upstream.child);
  const envs = {
    unsigned: await gatewayEnvironment(setup, upstream.url, 'audit-unsigned', false),
    signed: await gatewayEnvironment(setup, upstream.url, 'audit-signed'),
  };
  const targets = {
    unsigned: gatewayTarget(await startGateway(envs.unsigned, [], 'unsigned'), envs.unsigned, token),
    signed: gatewayTarget(await startGateway(envs.signed, [], 'signed'), envs.signed, token),
  };
  children.push(targets.unsigned.child, targets.signed.child);
  for (const scenario of scenarios(settings.secondsPerCell).filter((s) => s.id !== 'big')) {
    const series = await alternate([targets.unsigned, targets.signed], scenario, {
      rounds: settings.rounds,
      seconds: settings.secondsPerCell,
      scriptDir: workDir,
      problem: (target, detail) => process.stderr.write(`${scenario.id} ${target === targets.signed ? 'signed' : 'unsigned'}: ${detail}\n`),
    });
    for (const name of ['unsigned', 'signed'] as const) {
      const r = series.get(targets[name]);
      if (r === undefined) continue;
      const cell = `${scenario.id} ${name}`;
      process.stdout.write(`${cell.padEnd(14)} ${median(r.rps).toFixed(0).padStart(6)} req/s  p99 ${median(r.p99).toFixed(2)} ms  CPU ${median(r.cpuUsPerRequest).toFixed(1)} µs/req\n`);
    }
  }
  const checkpoints = readFileSync(join(workDir, 'audit-signed', 'audit.log.checkpoints'), 'utf8').trim().split('\n').length;
  process.stdout.write(`checkpoints signed: ${checkpoints}\n`);
} finally {
  killAllChildren();
  rmSync(workDir, { recursive: true, force: true });
}
