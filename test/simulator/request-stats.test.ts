import t from 'tap';
import { call, KEYS, startSimulator } from './fixtures/simulator-client.js';

t.test('requestCount counts every request under /api/v3, failed ones included', async (t) => {
  const simulator = startSimulator();
  t.equal(simulator.requestCount(), 0);
  await call(simulator, 'GET', '/groups/my_group_id', { key: KEYS.admin });
  await call(simulator, 'GET', '/groups/my_group_id');
  await call(simulator, 'GET', '/not/a/route', { key: KEYS.admin });
  t.equal(simulator.requestCount(), 3);

  await simulator.app.inject({ method: 'GET', url: '/elsewhere' });
  await simulator.app.inject({ method: 'GET', url: '/api/v30/groups/my_group_id' });
  await call(simulator, 'GET', '/_simulator/stats');
  t.equal(simulator.requestCount(), 3, 'requests outside /api/v3 are not counted');
});

t.test('requests() records method, url, headers and the body verbatim', async (t) => {
  const simulator = startSimulator();
  const body = '{"data": [{"type": "user", "id": "new_user@example.com"}]}';
  await call(simulator, 'POST', '/groups/my_group_id/relationships/users?x=1', {
    key: KEYS.admin,
    body,
    headers: { 'user-agent': 'test-agent' },
  });
  await call(simulator, 'GET', '/groups/my_group_id', { key: KEYS.member });
  const [post, get] = simulator.requests();
  t.match(post, {
    method: 'POST',
    url: '/api/v3/groups/my_group_id/relationships/users?x=1',
    headers: { 'x-apikey': KEYS.admin, 'user-agent': 'test-agent', 'content-type': 'application/json' },
    body,
  });
  t.match(get, { method: 'GET', url: '/api/v3/groups/my_group_id', headers: { 'x-apikey': KEYS.member }, body: '' });
  t.equal(simulator.requests().length, 2);
});

t.test('requests() keeps the last 1000 requests while requestCount keeps counting', async (t) => {
  const simulator = startSimulator();
  for (let index = 0; index < 1005; index += 1) {
    await call(simulator, 'GET', `/groups/missing_${index}`, { key: KEYS.admin });
  }
  const recorded = simulator.requests();
  t.equal(recorded.length, 1000);
  t.equal(recorded[0]?.url, '/api/v3/groups/missing_5');
  t.equal(recorded[999]?.url, '/api/v3/groups/missing_1004');
  t.equal(simulator.requestCount(), 1005);
});

t.test('resetStats and the control routes', async (t) => {
  const simulator = startSimulator();
  await call(simulator, 'GET', '/groups/my_group_id', { key: KEYS.admin });
  await call(simulator, 'GET', '/groups/my_group_id', { key: KEYS.admin });

  const stats = await call(simulator, 'GET', '/_simulator/stats');
  t.equal(stats.status, 200);
  t.strictSame(stats.json, { requests: 2 });

  simulator.resetStats();
  t.equal(simulator.requestCount(), 0);
  t.strictSame(simulator.requests(), []);

  await call(simulator, 'GET', '/groups/my_group_id', { key: KEYS.admin });
  const reset = await call(simulator, 'POST', '/_simulator/reset-stats');
  t.equal(reset.status, 200);
  t.strictSame(reset.json, { requests: 0 });
  t.equal(simulator.requestCount(), 0);
  t.strictSame((await call(simulator, 'GET', '/_simulator/stats')).json, { requests: 0 });
});

t.test('a recorded request is a copy the caller cannot use to rewrite history', async (t) => {
  const simulator = startSimulator();
  await call(simulator, 'GET', '/groups/my_group_id', { key: KEYS.admin });
  const list = simulator.requests() as unknown[];
  list.length = 0;
  t.equal(simulator.requests().length, 1);
});
