import { runLoad, type LoadResult, type LoadSpec } from './load.js';
import type { Scenario } from './scenarios.js';
import type { Target } from './targets.js';

function specFor(target: Target, scenario: Scenario): Omit<LoadSpec, 'durationS' | 'amount' | 'maxS'> {
  return {
    url: target.url + target.path(scenario.path),
    method: scenario.method,
    headers: { ...scenario.headers, ...target.headers },
    ...(scenario.body === undefined ? {} : { body: scenario.body }),
    connections: scenario.connections,
  };
}

/**
 * Drives one target with one scenario for about `seconds`. Scenarios that want whole answers run a fixed number
 * of requests instead: `rps` (the rate seen before) times `seconds`, at least 2 per connection, never longer than
 * 5× the time asked plus 10 s.
 */
export function drive(target: Target, scenario: Scenario, seconds: number, rps?: number): Promise<LoadResult> {
  const base = specFor(target, scenario);
  if (!scenario.wholeAnswers) return runLoad({ ...base, durationS: seconds });
  const amount = Math.max(2 * scenario.connections, Math.round((rps ?? 0) * seconds));
  return runLoad({ ...base, amount, maxS: seconds * 5 + 10 });
}
