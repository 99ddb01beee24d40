import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import t from 'tap';
import { Agent } from 'undici';
import { ANY_START, verifyAuditFiles } from '../../src/audit/verify.js';
import { startStack } from '../helpers/stack.js';

const REQUESTS = 10_000;
const WORKERS = 16;
const PATH_BYTES = 8 * 1024;
const MAX_AUDIT_GROWTH = 5 * 1024 * 1024;

function bytesIn(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

t.test('10,000 unauthenticated requests with 8 KB paths from one address add at most 5 MB of audit lines', async (t) => {
  const stack = await startStack(t);
  const dir = dirname(stack.auditPath);
  const before = bytesIn(dir);
  const agent = new Agent({ connections: WORKERS, pipelining: 1 });
  t.teardown(() => agent.close());
  const path = `/v1/groups/${'x'.repeat(PATH_BYTES - '/v1/groups/'.length)}`;

  const statuses = new Map<number, number>();
  let sent = 0;
  const flood = async (): Promise<void> => {
    while (sent < REQUESTS) {
      sent += 1;
      const res = await fetch(stack.url + path, { dispatcher: agent } as RequestInit);
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  };
  let flooding = true;
  const served: number[] = [];
  const client = async (): Promise<void> => {
    while (flooding) {
      const res = await fetch(`${stack.url}/v1/groups/my_group_id`, { headers: stack.auth });
      await res.arrayBuffer();
      served.push(res.status);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const started = Date.now();
  const watching = client();
  await Promise.all(Array.from({ length: WORKERS }, flood));
  flooding = false;
  await watching;
  const growth = bytesIn(dir) - before;
  t.comment(
    `${REQUESTS} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
      `audit dir +${growth} bytes; authenticated client: ${served.length} requests`,
  );
  t.ok(growth <= MAX_AUDIT_GROWTH, `the audit directory grew by ${growth} bytes (at most ${MAX_AUDIT_GROWTH})`);
  t.ok((statuses.get(429) ?? 0) > REQUESTS - 200, 'beyond the per-address allowance the flood is answered 429');
  t.ok(served.length > 0 && served.every((status) => status === 200), 'the authenticated client was served throughout');
  t.ok(verifyAuditFiles([stack.auditPath], { startHash: ANY_START }).ok, 'the chain is intact');
});
