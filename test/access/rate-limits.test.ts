import t from 'tap';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { bearer, buildTestGateway, type TestClient } from '../helpers/gateway.js';

const limited: TestClient = { id: 'limited', token: 'vtgw_limited-token-0000000000000000000000000', rateLimit: { readsPerMinute: 3, writesPerMinute: 1 } };
const other: TestClient = { id: 'other', token: 'vtgw_other-token-00000000000000000000000000000' };
const addUser = { data: [{ type: 'user', id: 'a@example.com' }] };

t.test('per-client budgets, separate for reads and writes, keyed by client id', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app } = await buildTestGateway(t, { upstream: upstream.baseUrl, clients: [limited, other] });
  const get = (token: string) => app.inject({ method: 'GET', url: '/v1/groups/g', headers: bearer(token) });

  for (let i = 1; i <= 3; i++) {
    const res = await get(limited.token);
    t.equal(res.statusCode, 200, `read ${i}`);
    t.equal(res.headers['x-ratelimit-limit'], '3');
    t.equal(res.headers['x-ratelimit-remaining'], String(3 - i));
  }
  const over = await get(limited.token);
  t.equal(over.statusCode, 429);
  t.match(over.json(), { error: { code: 'TooManyRequestsError', message: /read budget of 3/ } });
  t.match(over.headers['retry-after'], /^\d+$/);
  t.ok(Number(over.headers['retry-after']) > 0 && Number(over.headers['retry-after']) <= 60);

  const write = await app.inject({ method: 'POST', url: '/v1/groups/g/relationships/users', headers: bearer(limited.token), payload: addUser });
  t.equal(write.statusCode, 200, 'writes have their own budget');
  const write2 = await app.inject({ method: 'POST', url: '/v1/groups/g/relationships/users', headers: bearer(limited.token), payload: addUser });
  t.equal(write2.statusCode, 429);

  t.equal((await get(other.token)).statusCode, 200, 'another client, same address, is not affected');
  t.equal(upstream.seen.length, 3 + 1 + 1, 'limited requests never reach VirusTotal');
});

t.test('the organisation-wide upstream budget holds across clients', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app } = await buildTestGateway(t, { upstream: upstream.baseUrl, clients: [other], config: { upstreamBudgetPerMinute: 2, upstreamWriteReservePercent: 0 } });
  t.equal((await app.inject({ method: 'GET', url: '/v1/groups/g', headers: bearer(other.token) })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/v1/groups/g', headers: bearer(other.token) })).statusCode, 200);
  const spent = await app.inject({ method: 'GET', url: '/v1/groups/h' });
  t.equal(spent.statusCode, 401, 'unauthenticated calls do not spend the budget');
  const third = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: { authorization: 'Bearer vtgw_test-admin-token-with-every-scope-000000000000' } });
  t.equal(third.statusCode, 429);
  t.match(third.json(), { error: { code: 'TooManyRequestsError', message: /organisation-wide/ } });
  t.equal(upstream.seen.length, 2);
});
