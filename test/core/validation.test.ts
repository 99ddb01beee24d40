import t from 'tap';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';

interface BadCase {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  body?: string;
  contentType?: string;
  code: 'BadRequestError' | 'InvalidArgumentError';
  message: RegExp;
}

const user = (id: string, context_attributes: object) => ({ type: 'user', id, context_attributes });
const json = (v: unknown) => JSON.stringify(v);

const cases: BadCase[] = [
  { name: 'slash in group id (encoded)', method: 'GET', url: '/v1/groups/a%2Fb', code: 'InvalidArgumentError', message: /path parameter "id"/ },
  { name: 'double-encoded slash', method: 'GET', url: '/v1/groups/a%252Fb', code: 'InvalidArgumentError', message: /"id"/ },
  { name: 'backslash', method: 'GET', url: '/v1/groups/a%5Cb', code: 'InvalidArgumentError', message: /"id"/ },
  { name: 'dot-dot', method: 'GET', url: '/v1/groups/a..b/relationships/users', code: 'InvalidArgumentError', message: /"id"/ },
  { name: 'control character', method: 'GET', url: '/v1/groups/a%0Ab', code: 'InvalidArgumentError', message: /"id"/ },
  { name: 'unicode look-alike', method: 'GET', url: '/v1/groups/%D0%B0dmins', code: 'InvalidArgumentError', message: /"id"/ },
  { name: 'over-long id', method: 'GET', url: `/v1/groups/${'a'.repeat(300)}`, code: 'InvalidArgumentError', message: /"id"/ },
  { name: 'relationship with capitals', method: 'GET', url: '/v1/groups/g/relationships/Users', code: 'InvalidArgumentError', message: /"relationship"/ },
  { name: 'user id traversal', method: 'DELETE', url: '/v1/groups/g/relationships/users/x..y', code: 'InvalidArgumentError', message: /"user_id"/ },
  { name: 'limit too big', method: 'GET', url: '/v1/groups/g/relationships/users?limit=41', code: 'BadRequestError', message: /^Limit can't be larger than 40$/ },
  { name: 'limit zero', method: 'GET', url: '/v1/groups/g/users?limit=0', code: 'InvalidArgumentError', message: /"limit"/ },
  { name: 'limit not a number', method: 'GET', url: '/v1/groups/g/users?limit=ten', code: 'InvalidArgumentError', message: /"limit"/ },
  { name: 'duplicate limit', method: 'GET', url: '/v1/groups/g/users?limit=1&limit=2', code: 'InvalidArgumentError', message: /"limit" given more than once/ },
  { name: 'unknown query parameter', method: 'GET', url: '/v1/groups/g/users?foo=x', code: 'InvalidArgumentError', message: /Unknown query parameter "foo"/ },
  { name: 'unknown query parameter on an object GET', method: 'GET', url: '/v1/groups/g?foo=1', code: 'InvalidArgumentError', message: /Unknown query parameter "foo"/ },
  { name: 'query parameter on a check', method: 'GET', url: '/v1/groups/g/relationships/users/u1?limit=5', code: 'InvalidArgumentError', message: /Unknown query parameter "limit"/ },
  { name: 'query parameter on a delete', method: 'DELETE', url: '/v1/groups/g/relationships/users/u1?x=1', code: 'InvalidArgumentError', message: /Unknown query parameter "x"/ },
  { name: 'attributes with a space', method: 'GET', url: '/v1/groups/g/users?attributes=first%20name', code: 'InvalidArgumentError', message: /"attributes"/ },
  { name: 'embedded relationship outside the table', method: 'GET', url: '/v1/groups/g?relationships=api_usage', code: 'InvalidArgumentError', message: /administrators, graphs, users, service_accounts/ },
  { name: 'cursor with spaces', method: 'GET', url: '/v1/groups/g/users?cursor=a%20b', code: 'InvalidArgumentError', message: /"cursor"/ },
  { name: 'malformed JSON', method: 'POST', url: '/v1/groups/g/relationships/users', body: '{"data":[', code: 'BadRequestError', message: /not valid JSON/ },
  { name: 'wrong content type', method: 'POST', url: '/v1/groups/g/relationships/users', body: 'data=1', contentType: 'application/x-www-form-urlencoded', code: 'BadRequestError', message: /Content-Type/ },
  { name: 'text/plain that is not JSON', method: 'POST', url: '/v1/groups/g/relationships/users', body: 'data=1', contentType: 'text/plain', code: 'BadRequestError', message: /not valid JSON/ },
  { name: 'text/plain in another charset', method: 'POST', url: '/v1/groups/g/relationships/users', body: json({ data: [{ type: 'user', id: 'a@b.co' }] }), contentType: 'text/plain; charset=latin-1', code: 'BadRequestError', message: /charset/ },
  { name: '__proto__ key as text/plain', method: 'POST', url: '/v1/groups/g/relationships/users', body: '{"data":[],"__proto__":{"admin":true}}', contentType: 'text/plain; charset=utf-8', code: 'BadRequestError', message: /forbidden/ },
  { name: 'over-size body', method: 'POST', url: '/v1/groups/g/relationships/users', body: json({ data: [{ type: 'user', id: `${'a'.repeat(70000)}@x.com` }] }), code: 'BadRequestError', message: /larger/ },
  { name: '__proto__ key', method: 'POST', url: '/v1/groups/g/relationships/users', body: '{"data":[],"__proto__":{"admin":true}}', code: 'BadRequestError', message: /JSON|forbidden/ },
  { name: 'constructor.prototype key', method: 'POST', url: '/v1/groups/g/relationships/users', body: '{"constructor":{"prototype":{"admin":true}}}', code: 'BadRequestError', message: /JSON|forbidden/ },
  { name: 'missing body', method: 'POST', url: '/v1/groups/g/relationships/users', code: 'InvalidArgumentError', message: /request body is required/ },
  { name: 'empty JSON body on a POST (vt-go Post(url, nil))', method: 'POST', url: '/v1/groups/g/relationships/users', body: '', code: 'InvalidArgumentError', message: /request body is required/ },
  { name: 'username instead of email', method: 'POST', url: '/v1/groups/g/relationships/administrators', body: json({ data: [{ type: 'user', id: 'user_1' }] }), code: 'InvalidArgumentError', message: /"data\[0\]\.id".*Email/ },
  { name: 'email: username', method: 'POST', url: '/v1/groups/g/relationships/users', body: json({ data: [{ type: 'user', id: 'spellman' }] }), code: 'InvalidArgumentError', message: /"data\[0\]\.id"/ },
  { name: 'email: two @', method: 'POST', url: '/v1/groups/g/relationships/users', body: json({ data: [{ type: 'user', id: 'a@b@c' }] }), code: 'InvalidArgumentError', message: /"data\[0\]\.id"/ },
  { name: 'email: space', method: 'POST', url: '/v1/groups/g/relationships/users', body: json({ data: [{ type: 'user', id: 'a b@example.com' }] }), code: 'InvalidArgumentError', message: /"data\[0\]\.id"/ },
  { name: 'email: control char', method: 'POST', url: '/v1/groups/g/relationships/users', body: json({ data: [{ type: 'user', id: 'a\u0007@example.com' }] }), code: 'InvalidArgumentError', message: /"data\[0\]\.id"/ },
  { name: 'email: 255 bytes', method: 'POST', url: '/v1/groups/g/relationships/users', body: json({ data: [{ type: 'user', id: `${'a'.repeat(243)}@example.com` }] }), code: 'InvalidArgumentError', message: /"data\[0\]\.id"/ },
  { name: 'email: over 254 bytes in UTF-8', method: 'POST', url: '/v1/groups/g/relationships/users', body: json({ data: [{ type: 'user', id: `${'é'.repeat(122)}@example.com` }] }), code: 'InvalidArgumentError', message: /"data\[0\]\.id"/ },
  { name: 'empty user list', method: 'POST', url: '/v1/groups/g/relationships/users', body: json({ data: [] }), code: 'InvalidArgumentError', message: /"data"/ },
  { name: 'wrong descriptor type', method: 'POST', url: '/v1/groups/g/relationships/users', body: json({ data: [{ type: 'group', id: 'a@b.co' }] }), code: 'InvalidArgumentError', message: /"data\[0\]\.type"/ },
  { name: 'extra field', method: 'POST', url: '/v1/groups/g/relationships/users', body: json({ data: [{ type: 'user', id: 'a@b.co', admin: true }] }), code: 'InvalidArgumentError', message: /admin/ },
  { name: 'patch group wrong type', method: 'PATCH', url: '/v1/groups/g', body: json({ data: { type: 'user', attributes: { organization: 'x' } } }), code: 'InvalidArgumentError', message: /"data\.type"/ },
  { name: 'patch group id differs from path', method: 'PATCH', url: '/v1/groups/g', body: json({ data: { type: 'group', id: 'other', attributes: { organization: 'x' } } }), code: 'InvalidArgumentError', message: /data\.id "other" must equal/ },
  { name: 'patch group read-only quotas', method: 'PATCH', url: '/v1/groups/g', body: json({ data: { type: 'group', attributes: { quotas: {} } } }), code: 'InvalidArgumentError', message: /quotas/ },
  { name: 'roles with add_roles', method: 'PATCH', url: '/v1/groups/g/relationships/users', body: json({ data: [user('u', { roles: [], add_roles: ['USER_ROLE_GROUP_ADMIN'] })] }), code: 'InvalidArgumentError', message: /gateway policy: "roles" replaces all roles/ },
  { name: 'entry without a change', method: 'PATCH', url: '/v1/groups/g/relationships/users', body: json({ data: [user('u', {})] }), code: 'InvalidArgumentError', message: /context_attributes/ },
  { name: 'unknown role name shape', method: 'PATCH', url: '/v1/groups/g/relationships/users', body: json({ data: [user('u', { add_roles: ['admin'] })] }), code: 'InvalidArgumentError', message: /add_roles\[0\]/ },
  { name: 'negative allowance', method: 'PATCH', url: '/v1/groups/g/relationships/users', body: json({ data: [user('u', { quota_limits: { api_requests_daily: { allowed: -1 } } })] }), code: 'InvalidArgumentError', message: /allowed/ },
  { name: 'allowance as a string', method: 'PATCH', url: '/v1/groups/g/relationships/users', body: json({ data: [user('u', { quota_limits: { api_requests_daily: { allowed: '10' } } })] }), code: 'InvalidArgumentError', message: /allowed/ },
  { name: 'role added and removed', method: 'PATCH', url: '/v1/groups/g/relationships/users', body: json({ data: [user('u', { add_roles: ['USER_ROLE_PRIVATE_SCANNING'], remove_roles: ['USER_ROLE_PRIVATE_SCANNING'] })] }), code: 'InvalidArgumentError', message: /gateway policy: role "USER_ROLE_PRIVATE_SCANNING" is not both added and removed/ },
  { name: 'threat profile bad principal type', method: 'POST', url: '/v1/threat_profiles/abc/relationships/editors', body: json({ data: [{ type: 'file', id: 'x' }] }), code: 'InvalidArgumentError', message: /"data\[0\]\.type"/ },
  { name: 'threat profile delete without body', method: 'DELETE', url: '/v1/threat_profiles/abc/relationships/editors', code: 'InvalidArgumentError', message: /request body is required/ },
  { name: 'threat profile delete with an empty JSON body', method: 'DELETE', url: '/v1/threat_profiles/abc/relationships/editors', body: '', code: 'InvalidArgumentError', message: /request body is required/ },
  { name: 'threat profile relationship outside the table', method: 'POST', url: '/v1/threat_profiles/abc/relationships/owner', body: json({ data: [{ type: 'user', id: 'u1' }] }), code: 'InvalidArgumentError', message: /"relationship": must be one of editors, viewers/ },
  { name: 'group relationship outside the table', method: 'GET', url: '/v1/groups/g/quotas', code: 'InvalidArgumentError', message: /"relationship": must be one of administrators, graphs, users, service_accounts/ },
  { name: 'too many entries', method: 'POST', url: '/v1/groups/g/relationships/users', body: json({ data: Array.from({ length: 101 }, (_, i) => ({ type: 'user', id: `u${i}@example.com` })) }), code: 'InvalidArgumentError', message: /gateway policy: at most 100 entries/ },
  { name: 'entry without a change is a policy', method: 'PATCH', url: '/v1/groups/g/relationships/users', body: json({ data: [user('u', {})] }), code: 'InvalidArgumentError', message: /gateway policy/ },
];

t.test('bad input is refused with a VirusTotal-shaped 400 naming the field, and nothing is sent upstream', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl });
  for (const c of cases) {
    const headers: Record<string, string> = { ...auth };
    if (c.body !== undefined) headers['content-type'] = c.contentType ?? 'application/json';
    const res = await app.inject({ method: c.method, url: c.url, headers, ...(c.body === undefined ? {} : { payload: c.body }) });
    t.equal(res.statusCode, 400, `${c.name}: 400`);
    t.match(res.json(), { error: { code: c.code, message: c.message } }, `${c.name}: ${res.body}`);
  }
  t.equal(upstream.seen.length, 0, 'not one request reached the upstream');
});

t.test('the seed examples pass validation', async (t) => {
  const upstream = await startFakeUpstream((_req, res) => res.end());
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl });
  const bodies = [
    { data: [user('user_1', { quota_limits: { api_requests_daily: { allowed: 10 } } })] },
    { data: [user('user_1', { roles: ['USER_ROLE_GROUP_ADMIN'] }), user('user_2', { roles: ['USER_ROLE_GROUP_ADMIN'] })] },
    { data: [user('user_1', { add_roles: ['USER_ROLE_PRIVATE_SCANNING'] })] },
    { data: [user('user_1', { remove_roles: ['USER_ROLE_PRIVATE_SCANNING'] })] },
  ];
  for (const body of bodies) {
    const res = await app.inject({ method: 'PATCH', url: '/v1/groups/my_group_id/relationships/users', headers: auth, payload: body });
    t.equal(res.statusCode, 200, res.body);
  }
  const res = await app.inject({
    method: 'DELETE',
    url: '/v1/threat_profiles/332e02da667746f180a9740e94a3ec98/relationships/viewers',
    headers: auth,
    payload: { data: [{ type: 'user', id: 'user1' }, { type: 'group', id: 'group1' }] },
  });
  t.equal(res.statusCode, 200);
  t.equal(upstream.seen.length, 5);
});
