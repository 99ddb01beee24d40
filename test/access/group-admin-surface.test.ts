import type { AddressInfo } from 'node:net';
import t from 'tap';
import { DEMO_ADMIN_USER, DEMO_GROUP_ID } from '../../src/simulator/index.js';
import { TEST_VT_KEY } from '../helpers/config.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { bearer, buildTestGateway, type TestClient } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { callTool, startMcpStack } from '../mcp/fixtures/mcp-stack.js';

const G = DEMO_GROUP_ID;
const SA = `${G}_vt_enrichment`;
const READ_SCOPES = ['groups:read', 'users:read'] as const;
/** Reads users and service accounts on every group, but holds no key scope. */
const reader: TestClient = { id: 'reader', token: 'vtgw_reader-token-0000000000000000000000000000', scopes: [...READ_SCOPES, 'service_accounts:write'] };
/** The same, with the key scope. */
const keyHolder: TestClient = { id: 'key-holder', token: 'vtgw_key-holder-token-00000000000000000000000', scopes: [...READ_SCOPES, 'service_accounts:write', 'service_accounts:keys'] };
/** Every new scope, but only one group in its allowlist. */
const oneGroup: TestClient = {
  id: 'one-group',
  token: 'vtgw_one-group-token-000000000000000000000000',
  scopes: ['groups:read', 'groups:usage', 'users:read', 'users:usage', 'users:write', 'service_accounts:write', 'service_accounts:keys'],
  groups: [G],
};
const plain: TestClient = { id: 'plain', token: 'vtgw_plain-token-000000000000000000000000000000', scopes: ['groups:read', 'groups:write'] };

interface Answer {
  status: number;
  text: string;
  json: { data?: unknown; error?: { code: string; message: string } };
}

async function send(stack: Stack, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, text, json: text === '' ? {} : (JSON.parse(text) as Answer['json']) };
}

const allowance = (allowed: number) => ({ data: { type: 'user', attributes: { quotas: { api_requests_daily: { allowed } } } } });

t.test('every new endpoint answers through the gateway as VirusTotal does', async (t) => {
  const stack = await startStack(t);
  const a = stack.auth;
  t.match((await send(stack, 'GET', `/v1/groups/${G}/relationships/service_accounts`, a)).json, { data: [{ type: 'service_account', id: SA }] });
  t.match((await send(stack, 'GET', `/v1/groups/${G}/service_accounts`, a)).json, { data: [{ type: 'service_account', id: SA, attributes: { status: 'active' } }] });
  t.match((await send(stack, 'GET', `/v1/service_accounts/${SA}`, a)).json, { data: { type: 'service_account', id: SA } });
  const created = await send(stack, 'POST', `/v1/groups/${G}/relationships/service_accounts`, a, { data: [{ type: 'service_account', id: 'soar' }] });
  t.match(created, { status: 200, json: { data: [{ id: `${G}_soar` }] } });
  t.ok(stack.sim.state.groups.get(G)?.service_accounts.some((s) => s.id === `${G}_soar`), 'created in VirusTotal');
  t.match((await send(stack, 'GET', `/v1/groups/${G}/api_usage?start_date=20261101&end_date=20261130`, a)).json, { data: { daily: { '2026-11-01': {} }, total: {} } });
  t.match((await send(stack, 'GET', '/v1/users/user_2?relationships=groups_managed', a)).json, { data: { type: 'user', id: 'user_2' } });
  t.match((await send(stack, 'GET', '/v1/users/user_2/overall_quotas', a)).json, { data: { api_requests_daily: { group: { inherited_from: G } } } });
  t.match((await send(stack, 'GET', '/v1/users/user_2/api_usage', a)).json, { data: { daily: {}, total: {} } });
  t.match((await send(stack, 'GET', `/v1/users/${DEMO_ADMIN_USER}/relationships/groups_managed`, a)).json, { data: [{ type: 'group', id: G }] });
  t.match((await send(stack, 'GET', '/v1/users/user_2/api_quota_group', a)).json, { data: [{ type: 'group', id: G, attributes: {} }] });
  const patched = await send(stack, 'PATCH', '/v1/users/user_2', a, allowance(250));
  t.equal(patched.status, 200);
  t.equal(stack.sim.state.users.get('user_2')?.quotas['api_requests_daily']?.allowed, 250, 'the allowance is set in VirusTotal');
  const line = stack.auditLines().find((l) => l.operation === 'patchUser' && l.outcome !== 'intent');
  t.match(line, { targets: { user: 'user_2' }, change: { dailyAllowance: 250 } }, 'the audit line says whose allowance and what');
});

t.test('PATCH /users/{id}: only the daily allowance, and never below the floor for the key owner', async (t) => {
  const stack = await startStack(t, { config: { keyOwner: DEMO_ADMIN_USER, keyOwnerMinDailyAllowance: 100 } });
  stack.sim.resetStats();
  const other = await send(stack, 'PATCH', '/v1/users/user_2', stack.auth, { data: { type: 'user', attributes: { first_name: 'Mallory' } } });
  t.equal(other.status, 400, 'another attribute is refused');
  const owner = await send(stack, 'PATCH', `/v1/users/${DEMO_ADMIN_USER}`, stack.auth, allowance(5));
  t.match(owner, { status: 403, json: { error: { message: /Key-owner protection.*below 100/ } } });
  const mismatch = await send(stack, 'PATCH', '/v1/users/user_2', stack.auth, { data: { ...allowance(5).data, id: 'user_3' } });
  t.match(mismatch, { status: 400, json: { error: { message: /data.id/ } } });
  t.equal(stack.sim.requestCount(), 0, 'nothing sent');
});

t.test("PATCH /users/{id} as vt-py's patch_object sends it: the other quotas echoed as fetched pass, a changed one is refused, not dropped", async (t) => {
  const stack = await startStack(t);
  const fetched = await send(stack, 'GET', '/v1/users/user_2', stack.auth);
  const quotas = (fetched.json.data as { attributes: { quotas: Record<string, { allowed: number; used: number }> } }).attributes.quotas;
  t.ok(Object.keys(quotas).length > 1, 'the user has quotas beside the daily one');
  const body = (changes: Record<string, number>) => ({
    data: { type: 'user', id: 'user_2', attributes: { quotas: Object.fromEntries(Object.entries(quotas).map(([name, q]) => [name, { ...q, allowed: changes[name] ?? q.allowed }])) } },
  });
  const daily = quotas['api_requests_daily']?.allowed ?? 0;
  const echoed = await send(stack, 'PATCH', '/v1/users/user_2', stack.auth, body({ api_requests_daily: 321 }));
  t.equal(echoed.status, 200, echoed.text);
  t.equal(stack.sim.state.users.get('user_2')?.quotas['api_requests_daily']?.allowed, 321, 'the daily allowance is set');

  stack.sim.resetStats();
  const monthly = await send(stack, 'PATCH', '/v1/users/user_2', stack.auth, body({ api_requests_daily: 5, api_requests_monthly: 5000 }));
  t.match(monthly, { status: 400, json: { error: { code: 'InvalidArgumentError', message: /quotas\.api_requests_monthly\.allowed \(VirusTotal has \d+, the body says 5000\)/ } } });
  t.equal(stack.sim.state.users.get('user_2')?.quotas['api_requests_daily']?.allowed, 321, 'nothing changed, the daily allowance included');
  t.same(stack.sim.requests().map((r) => r.method), ['GET'], 'only the read reached VirusTotal');
  const lines = stack.auditLines().filter((l) => l.requestId === stack.auditLines().at(-1)?.requestId);
  t.same(lines.map((l) => l.outcome), ['invalid'], 'no intent line: the write never started');
  t.not(daily, 321);
});

t.test('each new operation needs its own scope; nothing is sent without it', async (t) => {
  const stack = await startStack(t, { clients: [plain] });
  stack.sim.resetStats();
  const h = bearer(plain.token);
  const cases: [string, string, string, unknown?][] = [
    ['service_accounts:write', 'POST', `/v1/groups/${G}/relationships/service_accounts`, { data: [{ type: 'service_account', id: 'x' }] }],
    ['groups:usage', 'GET', `/v1/groups/${G}/api_usage`],
    ['users:read', 'GET', '/v1/users/user_2'],
    ['users:read', 'GET', '/v1/users/user_2/overall_quotas'],
    ['users:read', 'GET', '/v1/users/user_2/relationships/groups'],
    ['users:read', 'GET', '/v1/users/user_2/groups_managed'],
    ['users:usage', 'GET', '/v1/users/user_2/api_usage'],
    ['users:write', 'PATCH', '/v1/users/user_2', allowance(5)],
  ];
  for (const [scope, method, path, body] of cases) {
    const res = await send(stack, method, path, h, body);
    t.match(res, { status: 403, json: { error: { code: 'ForbiddenError', message: new RegExp(`lacks the scope "${scope}"`) } } }, `${method} ${path}`);
  }
  t.equal(stack.sim.requestCount(), 0, 'nothing sent');
});

t.test('users and service accounts need the group allowlist "*"; group rows use the path group', async (t) => {
  const stack = await startStack(t, { clients: [oneGroup] });
  stack.sim.resetStats();
  const h = bearer(oneGroup.token);
  for (const path of ['/v1/users/user_2', '/v1/users/user_2/overall_quotas', '/v1/users/user_2/api_usage', '/v1/users/user_2/relationships/groups', `/v1/service_accounts/${SA}`]) {
    const res = await send(stack, 'GET', path, h);
    t.match(res, { status: 403, json: { error: { message: /only with the group allowlist "\*"/ } } }, path);
  }
  t.equal((await send(stack, 'PATCH', '/v1/users/user_2', h, allowance(5))).status, 403);
  t.equal(stack.sim.requestCount(), 0, 'nothing sent');
  t.equal((await send(stack, 'GET', `/v1/groups/${G}/api_usage`, h)).status, 200, 'its own group');
  t.equal((await send(stack, 'GET', `/v1/groups/${G}/service_accounts`, h)).status, 200);
  t.equal((await send(stack, 'GET', '/v1/groups/other_group/api_usage', h)).status, 403, 'another group');
  t.equal((await send(stack, 'GET', '/v1/groups/other_group/relationships/service_accounts', h)).status, 403);
});

t.test('a user id that looks like an API key is refused before anything leaves, and kept out of the audit targets', async (t) => {
  const stack = await startStack(t);
  stack.sim.resetStats();
  const key = 'ab'.repeat(32);
  for (const path of [`/v1/users/${key}`, `/v1/users/${key}/overall_quotas`, `/v1/users/${key}/relationships/groups`]) {
    t.equal((await send(stack, 'GET', path, stack.auth)).status, 400, path);
  }
  t.equal(stack.sim.requestCount(), 0, 'nothing sent');
  const lines = stack.auditLines().filter((l) => l.method === 'GET');
  t.equal(lines.length, 3, 'each refusal is on the record');
  t.notOk(JSON.stringify(lines).includes(key), 'no audit line holds it, in its path or its targets');
  t.match(lines[0], { path: '/v1/users/[api key withheld]', targets: { user: '[api key withheld]' }, status: 400 });
});

t.test('a key with anything next to it, percent-encoded in part, or in a body is kept out of every audit line', async (t) => {
  const stack = await startStack(t);
  stack.sim.resetStats();
  const key = 'ab'.repeat(32);
  const partlyEncoded = `${key.slice(0, 10)}%${key.charCodeAt(10).toString(16)}${key.slice(11)}`;
  // The last: a malformed escape in the same segment, refused by the router before any hook (the raw URL is recorded).
  for (const path of [`/v1/users/${key}%20`, `/v1/users/${key}%0A`, `/v1/users/${partlyEncoded}`, `/v1/groups/${G}/relationships/users/${key}`, `/v1/users/${partlyEncoded}%ZZ`]) {
    t.equal((await send(stack, 'GET', path, stack.auth)).status, 400, path);
  }
  t.equal(stack.sim.requestCount(), 0, 'nothing sent');
  t.equal((await send(stack, 'GET', `/v1/users/x${key}`, stack.auth)).status, 404, 'a username with a letter before the digits is no key: sent, and unknown');
  const bodies: [string, string, unknown][] = [
    ['PATCH', `/v1/groups/${G}/relationships/users`, { data: [{ type: 'user', id: key, context_attributes: { add_roles: ['USER_ROLE_PRIVATE_SCANNING'] } }] }],
    ['POST', '/v1/threat_profiles/332e02da667746f180a9740e94a3ec98/relationships/viewers', { data: [{ type: 'user', id: key }] }],
  ];
  for (const [method, path, body] of bodies) t.equal((await send(stack, method, path, stack.auth, body)).status, 400, `${method} ${path}`);
  t.equal(stack.sim.requestCount(), 1, 'nothing else sent');
  const lines = stack.auditLines().filter((l) => l.outcome !== 'intent');
  t.equal(lines.length, 8, 'each call is on the record');
  const written = JSON.stringify(lines);
  t.notOk(written.includes(key.slice(0, 40)), 'no line holds the key or most of it');
  t.notOk(written.includes(partlyEncoded.slice(0, 40)), 'nor its percent-encoded form');
  t.match(lines[0], { path: '/v1/users/[api key withheld]', targets: { user: '[api key withheld]' } });
  t.match(lines[4], { path: '/v1/users/[api key withheld]', status: 400 }, 'the malformed escape did not stop the search');
  t.match(lines[5], { path: '/v1/users/[api key withheld]', targets: { user: 'x[api key withheld]' }, status: 404 });

  const mcp = await startMcpStack(t);
  const client = await mcp.connect();
  const result = await callTool(client, 'get-user-object', { id: `${key}\n` });
  t.equal(result.isError, true);
  t.equal(mcp.sim.requestCount(), 0, 'nothing sent over MCP');
  t.notOk(JSON.stringify(mcp.auditLines()).includes(key.slice(0, 40)), 'nor written by the MCP channel');
  t.match(mcp.auditLines().at(-1), { channel: 'mcp', targets: { user: '[api key withheld]\n' } });
});

t.test("a caller's own gateway token where an id goes (vt-py's /users/<apikey>) is refused and kept out of every audit line", async (t) => {
  const stack = await startStack(t);
  stack.sim.resetStats();
  // The admin's token, as vt-py's quota check would send it with the gateway token in place of the VirusTotal key.
  const token = stack.auth.authorization?.replace(/^Bearer /, '') ?? '';
  t.match(token, /^vtgw_/);
  const encoded = `vtgw%5F${token.slice(5)}`;
  const calls: [string, string, unknown?][] = [
    ['GET', `/v1/users/${token}/overall_quotas`],
    ['GET', `/v1/users/${encoded}`],
    ['GET', `/v1/groups/${token}`],
    ['GET', `/v1/threat_profiles/${token}`],
    ['GET', `/v1/service_accounts/${token}`],
    ['POST', `/v1/groups/${G}/relationships/administrators`, { data: [{ type: 'user', id: token }] }],
  ];
  for (const [method, path, body] of calls) t.equal((await send(stack, method, path, stack.auth, body)).status, 400, `${method} ${path.slice(0, 40)}`);
  t.equal(stack.sim.requestCount(), 0, 'nothing sent to VirusTotal');
  const lines = stack.auditLines();
  t.equal(lines.length, calls.length, 'each refusal is on the record');
  const written = JSON.stringify(lines);
  t.notOk(written.includes(token.slice(5, 30)), 'no line holds the token or most of it');
  t.equal((await send(stack, 'GET', '/v1/groups/vtgw_ops', stack.auth)).status, 404, 'a short id that starts like a token is no token: sent, and unknown');
  t.equal(stack.sim.requestCount(), 1);
  t.match(lines[0], { path: '/v1/users/[client token withheld]/overall_quotas', targets: { user: '[client token withheld]' } });
  t.match(lines[1], { path: '/v1/users/[client token withheld]' }, 'nor percent-encoded');

  const mcp = await startMcpStack(t);
  const client = await mcp.connect();
  const mcpToken = 'vtgw_test-admin-token-with-every-scope-000000000000';
  t.equal((await callTool(client, 'get-user-object', { id: mcpToken })).isError, true);
  t.equal(mcp.sim.requestCount(), 0, 'nothing sent over MCP');
  t.notOk(JSON.stringify(mcp.auditLines()).includes(mcpToken.slice(5, 30)), 'nor written by the MCP channel');
});

t.test("the gateway's own key, which GET /users/<owner> returns, stays redacted even for a key holder", async (t) => {
  const stack = await startStack(t);
  const own = await send(stack, 'GET', `/v1/users/${DEMO_ADMIN_USER}`, stack.auth);
  t.equal(own.status, 200);
  t.match(own.json, { data: { id: DEMO_ADMIN_USER, attributes: { apikey: '[REDACTED]' } } });
  t.notOk(own.text.includes(TEST_VT_KEY));
});

t.test("a service account's apikey reaches only clients with service_accounts:keys, on every route (REST)", async (t) => {
  const stack = await startStack(t, { clients: [reader, keyHolder] });
  const key = stack.sim.state.groups.get(G)?.service_accounts[0]?.apikey ?? '';
  t.match(key, /^[0-9a-f]{64}$/);
  const routes: [string, string, unknown?][] = [
    ['GET', `/v1/service_accounts/${SA}`],
    ['GET', `/v1/groups/${G}/service_accounts`],
    ['GET', `/v1/groups/${G}/service_accounts?limit=5&attributes=apikey,email`],
  ];
  for (const [method, path] of routes) {
    const withheld = await send(stack, method, path, bearer(reader.token));
    t.equal(withheld.status, 200, `${path}: 200`);
    t.notOk(withheld.text.includes(key) || withheld.text.includes('apikey'), `${path}: no apikey without the scope`);
    t.match(withheld.text, /"email"/, `${path}: the rest of the object is there`);
    const shown = await send(stack, method, path, bearer(keyHolder.token));
    t.ok(shown.text.includes(key), `${path}: the key holder sees it`);
  }
  const created = await send(stack, 'POST', `/v1/groups/${G}/relationships/service_accounts`, bearer(reader.token), { data: [{ type: 'service_account', id: 'new_one' }] });
  t.equal(created.status, 200);
  t.match(created.json, { data: [{ id: `${G}_new_one`, attributes: { email: String } }] });
  t.notOk(created.text.includes('apikey'), "a new account's key is withheld from its creator without the scope");
  const newKey = stack.sim.state.groups.get(G)?.service_accounts.find((s) => s.id === `${G}_new_one`)?.apikey ?? '';
  const fetched = await send(stack, 'GET', `/v1/service_accounts/${G}_new_one`, bearer(keyHolder.token));
  t.ok(fetched.text.includes(newKey), 'the key holder can fetch it');
  t.notOk(JSON.stringify(stack.auditLines()).includes(key), 'no audit line holds a service-account key');
});

t.test("a service account's apikey reaches only clients with service_accounts:keys (MCP, generic tool included)", async (t) => {
  const mcp = await startMcpStack(t, { clients: [reader, keyHolder] });
  const key = mcp.sim.state.groups.get(G)?.service_accounts[0]?.apikey ?? '';
  const calls: [string, Record<string, unknown>][] = [
    ['get-objects-related-group', { id: G, relationship: 'service_accounts' }],
    ['list-group-service-accounts', { id: G }],
    ['get-service-account', { id: SA }],
  ];
  const withheldClient = await mcp.connect(reader.token);
  const keyClient = await mcp.connect(keyHolder.token);
  for (const [tool, args] of calls) {
    const withheld = await callTool(withheldClient, tool, args);
    t.equal(withheld.isError ?? false, false, `${tool}: succeeds`);
    const text = JSON.stringify(withheld);
    t.notOk(text.includes(key) || text.includes('apikey'), `${tool}: no apikey without the scope`);
    t.ok(text.includes(SA), `${tool}: the account is there`);
    t.ok(JSON.stringify(await callTool(keyClient, tool, args)).includes(key), `${tool}: the key holder sees it`);
  }
});

t.test('a streamed answer (no declared length) is filtered too', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const key = 'ef'.repeat(32);
  const account = { type: 'service_account', id: `${G}_x`, attributes: { apikey: key, email: 'x@y' } };
  upstream.handle((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no content-length
    const text = JSON.stringify({ data: [account], meta: { count: 1 } });
    res.write(text.slice(0, 30));
    setTimeout(() => res.end(text.slice(30)), 5);
  });
  const gw = await buildTestGateway(t, { upstream: upstream.baseUrl, clients: [reader] });
  await gw.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`;
  const withheld = await fetch(`${url}/v1/groups/${G}/service_accounts`, { headers: bearer(reader.token) });
  const text = await withheld.text();
  t.equal(withheld.status, 200);
  t.notOk(text.includes(key), 'the key is withheld from a streamed answer');
  t.match(JSON.parse(text), { data: [{ id: `${G}_x`, attributes: { email: 'x@y' } }] });
  const shown = await fetch(`${url}/v1/groups/${G}/service_accounts`, { headers: gw.auth });
  t.ok((await shown.text()).includes(key), 'a client with the key scope gets it as VirusTotal sent it');
});

t.test('over MCP too: the new tools need their scopes and the * allowlist; nothing is sent', async (t) => {
  const mcp = await startMcpStack(t, { clients: [plain, oneGroup] });
  mcp.sim.resetStats();
  const plainClient = await mcp.connect(plain.token);
  const refusedScope = await callTool(plainClient, 'get-user-overall-quotas', { id: 'user_2' });
  t.equal(refusedScope.isError, true);
  t.match(refusedScope.structuredContent, { error: { code: 'ForbiddenError', message: /lacks the scope "users:read"/ } });
  const oneGroupClient = await mcp.connect(oneGroup.token);
  const refusedAll = await callTool(oneGroupClient, 'set-user-daily-allowance', { id: 'user_2', body: allowance(5) });
  t.match(refusedAll.structuredContent, { error: { code: 'ForbiddenError', message: /group allowlist "\*"/ } });
  t.equal(mcp.sim.requestCount(), 0, 'nothing sent');
  const usage = await callTool(oneGroupClient, 'get-group-api-usage', { id: G });
  t.equal(usage.isError ?? false, false, 'its own group: allowed');
});
