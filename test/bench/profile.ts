import { mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { drive } from './drive.js';
import type { Scenario } from './scenarios.js';
import { gatewayEnvironment, gatewayTarget, startGateway, type BenchSetup } from './targets.js';
import type { LoadResult } from './wrk.js';

export interface ProfileRun {
  file: string;
  load: LoadResult;
  /** The measured load's start and end on the monotonic clock (µs), the profile's own time base. */
  fromUs: number;
  toUs: number;
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * The gateway under `node --cpu-prof` (its own instance, its own audit log), driven by one scenario for
 * `seconds` after a 1 s warm-up, then stopped with SIGTERM: Node writes the profile as the process exits.
 */
export async function profileGateway(setup: BenchSetup, upstreamUrl: string, scenario: Scenario, seconds: number): Promise<ProfileRun> {
  // A directory of its own per call: the profile is found as the one .cpuprofile file in it.
  const dir = mkdtempSync(join(setup.workDir, 'cpu-profile-'));
  const env = await gatewayEnvironment(setup, upstreamUrl, 'audit-profile');
  const gateway = await startGateway(env, ['--cpu-prof', `--cpu-prof-dir=${dir}`], 'gateway (profiled)');
  const target = gatewayTarget(gateway, env, setup.token);
  let load: LoadResult;
  let fromUs: number;
  let toUs: number;
  try {
    await drive(target, scenario, 1, setup.workDir);
    fromUs = nowUs();
    load = await drive(target, scenario, seconds, setup.workDir);
    toUs = nowUs();
  } finally {
    await gateway.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile in ${dir}; gateway output:\n${gateway.output()}`);
  return { file: join(dir, file), load, fromUs, toUs };
}
