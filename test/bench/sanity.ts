import { existsSync, statSync } from 'node:fs';
import { httpOnce } from './http-once.js';
import type { Scenario } from './scenarios.js';
import type { Target } from './targets.js';

/**
 * Before measuring: every target answers every scenario with the expected status and body size (so that all
 * three serve the same bytes, and the proxies inject the key the upstream checks), the gateway's metrics port
 * answers, and its audit log is being written. Returns the problems found.
 */
export async function sanityCheck(targets: readonly Target[], scenarios: readonly Scenario[], metricsUrl: string, auditFile: string): Promise<string[]> {
  const problems: string[] = [];
  for (const scenario of scenarios) {
    for (const target of targets) {
      const url = target.url + scenario.path;
      try {
        const answer = await httpOnce(url, {
          method: scenario.method,
          headers: { ...scenario.headers, ...target.headers },
          ...(scenario.body === undefined ? {} : { body: scenario.body }),
          timeoutMs: 10_000,
        });
        if (answer.status !== scenario.expect.status || answer.bytes !== scenario.expect.bytes) {
          problems.push(
            `${target.id} ${scenario.id}: ${answer.status} with ${answer.bytes} bytes, expected ${scenario.expect.status} with ${scenario.expect.bytes}: ${answer.body.subarray(0, 200).toString()}`,
          );
        }
      } catch (err) {
        problems.push(`${target.id} ${scenario.id}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  const metrics = await httpOnce(metricsUrl).catch(() => undefined);
  if (metrics?.status !== 200 || !metrics.body.toString().includes('vtgw_requests_total')) problems.push(`metrics: ${metricsUrl} did not answer with vtgw_requests_total`);
  if (!existsSync(auditFile) || statSync(auditFile).size === 0) problems.push(`audit: ${auditFile} is empty or missing`);
  return problems;
}
