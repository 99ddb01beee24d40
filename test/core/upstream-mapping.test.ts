import t from 'tap';
import { operations } from '../../src/catalog/operations.js';
import { TEST_VT_KEY } from '../helpers/config.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';

const sampleBodies: Record<string, unknown> = {
  patchGroup: { data: { type: 'group', attributes: { auto_add_users: ['*@example.com'] } } },
  postGroupAdministrators: { data: [{ type: 'user', id: 'user_1@example.com' }] },
  updateGroupUsers: { data: [{ type: 'user', id: 'new_user@example.com' }] },
  patchGroupUsers: { data: [{ type: 'user', id: 'user_1', context_attributes: { add_roles: ['USER_ROLE_PRIVATE_SCANNING'] } }] },
  addThreatProfileRelationships: { data: [{ type: 'user', id: 'user1' }] },
  deleteThreatProfileRelationships: { data: [{ type: 'group', id: 'group1' }] },
  createGroupServiceAccounts: { data: [{ type: 'service_account', id: 'vt_enrichment' }] },
  patchUser: { data: { type: 'user', attributes: { quotas: { api_requests_daily: { allowed: 500 } } } } },
};
const sampleParams: Record<string, string> = { id: 'my_group_id', user_id: 'user_1' };
const sampleRelationship = { group: 'users', threatProfile: 'viewers', threatProfileList: undefined, user: 'groups_managed', serviceAccount: undefined } as const;

t.test('every operation maps one-to-one onto the same VirusTotal path and method', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl });

  for (const op of operations) {
    const relationship = sampleRelationship[op.resource];
    const params: Record<string, string> = { ...sampleParams, ...(relationship === undefined ? {} : { relationship }) };
    const path = op.path.replace(/\{([a-z_]+)\}/g, (_m, name: string) => params[name] ?? 'x');
    const query = op.query !== undefined && 'limit' in op.query.properties ? '?limit=3&cursor=abc' : '';
    const body = sampleBodies[op.name];
    upstream.seen.length = 0;
    const res = await app.inject({ method: op.method, url: path + query, headers: auth, ...(body === undefined ? {} : { payload: body as object }) });
    t.equal(res.statusCode, 200, `${op.name}: 200`);
    t.equal(upstream.seen.length, 1, `${op.name}: one upstream call`);
    const seen = upstream.seen[0];
    t.equal(seen?.method, op.method, `${op.name}: same method`);
    t.equal(seen?.url, `/api/v3${path.replace(/^\/v1/, '')}${query}`, `${op.name}: same path`);
    t.same(seen?.body === '' ? undefined : JSON.parse(seen?.body ?? ''), body, `${op.name}: body forwarded`);
  }
  t.equal(operations.length, 30, '12 capability operations + users PATCH + 6 threat-profile operations + 11 group-admin operations');
});

t.test('the key is injected and no client header is forwarded', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl });
  await app.inject({
    method: 'GET',
    url: '/v1/groups/my_group_id',
    headers: {
      ...auth,
      'x-apikey': 'a-client-supplied-key',
      cookie: 'session=1',
      'x-forwarded-for': '10.0.0.1',
      'x-request-id': 'trace-abc.123',
      'accept-encoding': 'gzip',
      'x-custom': 'nope',
    },
  });
  const headers = upstream.seen[0]?.headers ?? {};
  t.equal(headers['x-apikey'], TEST_VT_KEY, 'the server-held key is sent');
  t.equal(headers['x-request-id'], 'trace-abc.123', 'a safe caller request id is kept end to end');
  t.match(headers['user-agent'], /^vt-access-gateway\//);
  t.equal(headers.accept, 'application/json');
  for (const name of ['authorization', 'cookie', 'x-forwarded-for', 'accept-encoding', 'x-custom']) {
    t.notOk(name in headers, `${name} is not forwarded`);
  }
});

t.test('an unsafe caller request id is replaced', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl });
  const res = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: { ...auth, 'x-request-id': 'bad id<script>' } });
  const id = res.headers['x-request-id'];
  t.match(id, /^[0-9a-f-]{36}$/);
  t.equal(upstream.seen[0]?.headers['x-request-id'], id);
});

t.test('only limit and cursor are forwarded, re-encoded', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl });
  const res = await app.inject({ method: 'GET', url: '/v1/groups/g/relationships/users?cursor=a%2Bb%3D', headers: auth });
  t.equal(res.statusCode, 200);
  t.equal(upstream.seen[0]?.url, '/api/v3/groups/g/relationships/users?cursor=a%2Bb%3D');
});
