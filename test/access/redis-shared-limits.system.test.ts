import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { buildSimulator, DEMO_ADMIN_USER } from '../../src/simulator/index.js';
import { tokenDigest } from '../../src/security/token.js';
import { TEST_VT_KEY } from '../helpers/config.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { startRedis } from '../helpers/redis.js';

const TOKEN = 'vtgw_replica-test-token-000000000000000000000000';

t.test('two gateway processes sharing one real redis-server enforce one combined limit', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const sim = buildSimulator({ apiKeys: { [TEST_VT_KEY]: DEMO_ADMIN_USER } });
  await sim.app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => sim.app.close());
  const dir = t.testdir();
  const clientsFile = join(dir, 'clients.json');
  writeFileSync(
    clientsFile,
    JSON.stringify({ clients: [{ id: 'svc-a', tokenSha256: tokenDigest(TOKEN), scopes: ['groups:read'], groups: ['*'], threatProfiles: ['*'] }] }),
  );
  const env = (name: string, failOpen: boolean): Record<string, string> => ({
    VT_API_BASE_URL: `http://127.0.0.1:${(sim.app.server.address() as AddressInfo).port}/api/v3`,
    VIRUSTOTAL_API_KEY: TEST_VT_KEY,
    GATEWAY_CLIENTS_FILE: clientsFile,
    AUDIT_LOG_PATH: join(dir, `${name}.log`),
    REDIS_URL: redis.url,
    RATE_LIMIT_READS_PER_MINUTE: '6',
    RATE_LIMIT_FAIL_OPEN: String(failOpen),
  });
  const replicas: GatewayProcess[] = [];
  t.teardown(() => Promise.all(replicas.map((r) => r.stop())));
  replicas.push(await spawnGateway(env('a', false)));
  replicas.push(await spawnGateway(env('b', false)));

  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) {
    const replica = replicas[i % 2] as GatewayProcess;
    const res = await fetch(`${replica.url}/v1/groups/my_group_id`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  t.same(statuses, [200, 200, 200, 200, 200, 200, 429, 429, 429, 429], 'six in all, whichever replica answers');

  await redis.stop();
  const closed = await fetch(`${replicas[0]?.url}/v1/groups/my_group_id`, { headers: { authorization: `Bearer ${TOKEN}` } });
  t.equal(closed.status, 503, 'fail-closed: Redis away means 503, not a hang or a crash');
  t.match(await closed.json(), { error: { code: 'TransientError' } });
  const ready = await fetch(`${replicas[0]?.url}/readyz`);
  t.equal(ready.status, 503, 'not ready while Redis is away');

  const open = await spawnGateway(env('c', true));
  replicas.push(open);
  const passed = await fetch(`${open.url}/v1/groups/my_group_id`, { headers: { authorization: `Bearer ${TOKEN}` } });
  t.equal(passed.status, 200, 'fail-open: Redis away means no limit');
  t.equal(replicas[1]?.child.exitCode, null, 'replicas still running');
});
