import type { Scenario } from './scenarios.js';
import type { Target } from './targets.js';
import { runWrk, type LoadResult } from './wrk.js';

/** Drives one target with one scenario for `seconds` (wrk on the load core); `scriptDir` takes wrk's Lua script. */
export function drive(target: Target, scenario: Scenario, seconds: number, scriptDir: string): Promise<LoadResult> {
  return runWrk({
    url: target.url + scenario.path,
    method: scenario.method,
    headers: { ...scenario.headers, ...target.headers },
    ...(scenario.body === undefined ? {} : { body: scenario.body }),
    connections: scenario.connections,
    durationS: seconds,
    scriptDir,
  });
}
