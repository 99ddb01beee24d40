/**
 * `npx tsx test/bench/checkpoint-cost.ts`: what signed audit checkpoints cost. Two built gateways on the
 * benchmark's nginx upstream, one without and one with AUDIT_SIGNING_KEY_FILE (a checkpoint every
 * AUDIT_CHECKPOINT_EVERY_LINES lines, default 1000), driven alternately by wrk with the benchmark's GET and POST
 * scenarios (BENCH_ROUNDS rounds of BENCH_SECONDS each), pinned as `npm run bench` pins them. Prints requests/s,
 * p99 and CPU µs per request of each, medians over rounds.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../../src/security/token.js';
import { writeClientsFile } from '../helpers/clients-file.js';
import { killAllChildren, type Child } from './child-process.js';
import { readCpuUs } from './cpu-time.js';
import { drive } from './drive.js';
import { startNginx } from './nginx-upstream.js';
import { INSTALL_HINT, missingPrograms } from './prerequisites.js';
import { scenarios } from './scenarios.js';
import { benchSettings } from './settings.js';
import { median } from './stats.js';
import { gatewayEnvironment, gatewayTarget, startGateway, virusTotalShapedKey, type BenchSetup } from './targets.js';

const missing = missingPrograms();
if (missing.length > 0) {
  process.stderr.write(`checkpoint-cost needs ${missing.join(', ')}: ${INSTALL_HINT}\n`);
  process.exit(1);
}
const settings = benchSettings();
const workDir = mkdtempSync(join(tmpdir(), 'vtgw-checkpoint-bench-'));
const token = mintToken();
const signingKeyFile = join(workDir, 'audit-signing.key');
writeFileSync(signingKeyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
const setup: BenchSetup = { vtKey: virusTotalShapedKey(), token, clientsFile: writeClientsFile(workDir, token, 'svc-bench'), signingKeyFile, workDir };
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
  const results: Record<string, { rps: number[]; p99: number[]; cpu: number[] }> = {};
  for (const scenario of scenarios(settings.secondsPerCell).filter((s) => s.id !== 'big')) {
    for (const name of ['unsigned', 'signed'] as const) await drive(targets[name], scenario, 1, workDir);
    for (let round = 0; round < settings.rounds; round++) {
      for (const name of ['unsigned', 'signed'] as const) {
        const pid = targets[name].child.pid;
        const cpuBefore = readCpuUs(pid) ?? 0;
        const load = await drive(targets[name], scenario, settings.secondsPerCell, workDir);
        const cpu = ((readCpuUs(pid) ?? 0) - cpuBefore) / Math.max(1, load.requests);
        const cell = (results[`${scenario.id} ${name}`] ??= { rps: [], p99: [], cpu: [] });
        cell.rps.push(load.rps);
        cell.p99.push(load.p99);
        cell.cpu.push(cpu);
        if (load.non2xx + load.errors > 0) process.stderr.write(`${scenario.id} ${name}: ${load.non2xx} non-2xx, ${load.errors} errors\n`);
      }
    }
  }
  for (const [cell, r] of Object.entries(results)) {
    process.stdout.write(`${cell.padEnd(14)} ${median(r.rps).toFixed(0).padStart(6)} req/s  p99 ${median(r.p99).toFixed(2)} ms  CPU ${median(r.cpu).toFixed(1)} µs/req\n`);
  }
  const checkpoints = readFileSync(join(workDir, 'audit-signed', 'audit.log.checkpoints'), 'utf8').trim().split('\n').length;
  process.stdout.write(`checkpoints signed: ${checkpoints}\n`);
} finally {
  killAllChildren();
  rmSync(workDir, { recursive: true, force: true });
}
