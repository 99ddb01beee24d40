import t from 'tap';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { TEST_VT_KEY } from '../helpers/config.js';
import { ADMIN_TOKEN, bearer, type TestClient } from '../helpers/gateway.js';
import { startStack } from '../helpers/stack.js';

const reader: TestClient = { id: 'svc-reader', token: 'vtgw_reader-token-0000000000000000000000000000', scopes: ['groups:read'], rateLimit: { readsPerMinute: 2 } };

t.test('one hash-chained line per request, whatever became of it', async (t) => {
  const stack = await startStack(t, { clients: [reader] });
  const send = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const res = await fetch(stack.url + path, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }), 'x-request-id': `audit-${method}-${path.length}-${Math.random().toString(36).slice(2, 8)}` },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    await res.arrayBuffer();
    return res.headers.get('x-request-id') ?? '';
  };
  const ids = {
    ok: await send('GET', '/v1/groups/my_group_id', bearer(reader.token)),
    write: await send('PATCH', '/v1/groups/my_group_id/relationships/users', stack.auth, {
      data: [{ type: 'user', id: 'user_1', context_attributes: { add_roles: ['USER_ROLE_PRIVATE_SCANNING'], quota_limits: { api_requests_daily: { allowed: 10 } } } }],
    }),
    denied: await send('DELETE', '/v1/groups/my_group_id/relationships/users/user_1', bearer(reader.token)),
    unauthenticated: await send('GET', '/v1/groups/my_group_id', {}),
    invalid: await send('POST', '/v1/groups/my_group_id/relationships/users', stack.auth, '{"data":'),
    unknown: await send('GET', '/v1/files/abc', stack.auth),
    upstreamError: await send('GET', '/v1/groups/other_group', stack.auth),
    limited: await send('GET', '/v1/groups/my_group_id', bearer(reader.token)).then(() => send('GET', '/v1/groups/my_group_id', bearer(reader.token))),
  };
  const lines = stack.auditLines();
  const byId = new Map(lines.map((l) => [l.requestId, l]));
  const expect: Record<keyof typeof ids, [string, number, string | null]> = {
    ok: ['ok', 200, null],
    write: ['ok', 200, null],
    denied: ['denied', 403, 'ForbiddenError'],
    unauthenticated: ['unauthenticated', 401, 'AuthenticationRequiredError'],
    invalid: ['invalid', 400, 'BadRequestError'],
    unknown: ['invalid', 404, 'NotFoundError'],
    upstreamError: ['upstream_error', 403, null],
    limited: ['limited', 429, 'TooManyRequestsError'],
  };
  for (const [name, id] of Object.entries(ids) as [keyof typeof ids, string][]) {
    const line = byId.get(id);
    t.ok(line, `${name}: the x-request-id the caller got is in the log`);
    t.match(line, { outcome: expect[name][0], status: expect[name][1], errorCode: expect[name][2], channel: 'rest' }, name);
  }
  t.match(byId.get(ids.ok), {
    clientId: 'svc-reader',
    operation: 'groups',
    method: 'GET',
    path: '/v1/groups/my_group_id',
    targets: { group: 'my_group_id' },
    upstreamStatus: 200,
    clientIp: '127.0.0.1',
  });
  t.match(byId.get(ids.write), {
    clientId: 'test-admin',
    operation: 'patchGroupUsers',
    change: { users: [{ id: 'user_1', addRoles: ['USER_ROLE_PRIVATE_SCANNING'], dailyAllowance: 10 }] },
    bodySha256: /^[0-9a-f]{64}$/,
  });
  t.match(byId.get(ids.denied), { targets: { group: 'my_group_id', user: 'user_1' }, upstreamStatus: null });
  t.ok(lines.every((l) => typeof l.durationMs === 'number' && /^[0-9a-f]{64}$/.test(l.hash)), 'durations and hashes');
  t.same(verifyAuditFiles([stack.auditPath]).ok, true, 'the chain verifies');

  const raw = JSON.stringify(lines);
  for (const secret of [TEST_VT_KEY, ADMIN_TOKEN, reader.token]) t.notOk(raw.includes(secret), 'no key or token in the audit log');
});

t.test("the audited client address honours X-Forwarded-For only from TRUST_PROXY peers", async (t) => {
  const { startFakeUpstream } = await import('../helpers/fake-upstream.js');
  const { buildTestGateway } = await import('../helpers/gateway.js');
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const trusting = await buildTestGateway(t, { upstream: upstream.baseUrl, config: { trustProxy: '10.0.0.0/8' } });
  const headers = { ...trusting.auth, 'x-forwarded-for': '192.0.2.44' };
  await trusting.app.inject({ method: 'GET', url: '/v1/groups/g', headers, remoteAddress: '10.1.1.1' });
  await trusting.app.inject({ method: 'GET', url: '/v1/groups/g', headers, remoteAddress: '198.51.100.7' });
  t.same(
    trusting.auditLines().map((l) => l.clientIp),
    ['192.0.2.44', '198.51.100.7'],
    'the forwarded address from the corporate gateway; the peer itself otherwise',
  );
});
