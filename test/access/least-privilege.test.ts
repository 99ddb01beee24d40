import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { DEMO_ADMIN_USER, DEMO_GROUP_ID, DEMO_THREAT_PROFILE_ID } from '../../src/simulator/index.js';
import { replyJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { bearer, buildTestGateway, type TestClient } from '../helpers/gateway.js';
import { startStack } from '../helpers/stack.js';
import { callTool, startMcpStack } from '../mcp/fixtures/mcp-stack.js';

const writer: TestClient = { id: 'svc-writer', token: 'vtgw_writer-token-00000000000000000000000000', scopes: ['groups:read', 'groups:write'] };
const G = DEMO_GROUP_ID;
const json = { 'content-type': 'application/json' };

interface Answer {
  status: number;
  body: { error?: { code: string; message: string } };
}

async function send(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const res = await fetch(url, { method, headers: { ...headers, ...(body === undefined ? {} : json) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Answer['body']) };
}

t.test('removing a member takes their admin role with them, so it needs groups:admins (REST and MCP)', async (t) => {
  const stack = await startStack(t, { clients: [writer] });
  stack.sim.resetStats();
  const refused = await send(`${stack.url}/v1/groups/${G}/relationships/users/user_1`, 'DELETE', bearer(writer.token));
  t.equal(refused.status, 403);
  t.match(refused.body, { error: { code: 'ForbiddenError', message: /lacks the scope "groups:admins"/ } });
  t.equal(stack.sim.requestCount(), 0, 'nothing sent to VirusTotal');
  const allowed = await send(`${stack.url}/v1/groups/${G}/relationships/users/user_1`, 'DELETE', stack.auth);
  t.equal(allowed.status, 200, 'a client with groups:admins may');

  const mcp = await startMcpStack(t, { clients: [writer] });
  const client = await mcp.connect(writer.token);
  const tool = await callTool(client, 'remove-user-group', { id: G, user_id: 'user_2' });
  t.equal(tool.isError, true);
  t.match(tool.structuredContent, { error: { code: 'ForbiddenError', message: /groups:admins/ } });
  t.equal(mcp.sim.requestCount(), 0, 'nothing sent over MCP either');
});

t.test("the key owner's account cannot be removed, demoted, capped or taken off a profile's editors, by any client", async (t) => {
  // No VIRUSTOTAL_KEY_OWNER: the gateway asks VirusTotal whose key it holds (GET /users/{key}) and the owner's groups.
  const stack = await startStack(t, { config: { keyOwner: undefined, keyOwnerMinDailyAllowance: 100 } });
  // The lookup starts with the gateway: GET /users/{key}, then the owner's groups.
  while (stack.sim.requestCount() < 2) await new Promise((resolve) => setTimeout(resolve, 10));
  t.same(
    stack.sim.requests().map((r) => r.url.replace(/users\/[^/]+/, 'users/ID')),
    ['/api/v3/users/ID', '/api/v3/users/ID/relationships/groups'],
    'the owner was looked up at start',
  );
  const users = `${stack.url}/v1/groups/${G}/relationships/users`;
  const patch = (context_attributes: Record<string, unknown>, id = DEMO_ADMIN_USER) =>
    send(users, 'PATCH', stack.auth, { data: [{ type: 'user', id, context_attributes }] });
  const editors = `${stack.url}/v1/threat_profiles/${DEMO_THREAT_PROFILE_ID}/relationships/editors`;
  const viewers = `${stack.url}/v1/threat_profiles/${DEMO_THREAT_PROFILE_ID}/relationships/viewers`;
  const cases: [string, () => Promise<Answer>, RegExp][] = [
    ['remove from the group', () => send(`${users}/${DEMO_ADMIN_USER}`, 'DELETE', stack.auth), /may not be removed from the group/],
    ['revoke admin', () => send(`${stack.url}/v1/groups/${G}/relationships/administrators/${DEMO_ADMIN_USER}`, 'DELETE', stack.auth), /keeps its group admin role/],
    ['remove roles', () => patch({ remove_roles: ['USER_ROLE_PRIVATE_SCANNING'] }), /not replaced or removed/],
    ['replace roles', () => patch({ roles: ['USER_ROLE_GROUP_ADMIN'] }), /not replaced or removed/],
    ['allowance 0', () => patch({ quota_limits: { api_requests_daily: { allowed: 0 } } }), /may not go below 100/],
    ['username in different case', () => send(`${users}/DEMO_ADMIN`, 'DELETE', stack.auth), /may not be removed/],
    ['off the editors', () => send(editors, 'DELETE', stack.auth, { data: [{ type: 'user', id: DEMO_ADMIN_USER }] }), /threat profile's editors/],
    ['its group off the editors', () => send(editors, 'DELETE', stack.auth, { data: [{ type: 'group', id: G }] }), /group "my_group_id" holds/],
    // Granting a level updates the one held: viewer access would demote the owner from editor.
    ['made a viewer', () => send(viewers, 'POST', stack.auth, { data: [{ type: 'user', id: DEMO_ADMIN_USER }] }), /viewer access .* replace its editor access/],
    ['its group made a viewer', () => send(viewers, 'POST', stack.auth, { data: [{ type: 'user', id: 'user_2' }, { type: 'group', id: G }] }), /group "my_group_id" holds/],
    // Named by email, as VirusTotal takes a user elsewhere: the looked-up owner's email is known and matched too.
    ['made a viewer by email', () => send(viewers, 'POST', stack.auth, { data: [{ type: 'user', id: `${DEMO_ADMIN_USER}@example.com` }] }), /viewer access/],
    ['off the editors by email', () => send(editors, 'DELETE', stack.auth, { data: [{ type: 'user', id: `${DEMO_ADMIN_USER.toUpperCase()}@EXAMPLE.COM` }] }), /threat profile's editors/],
  ];
  for (const [name, attempt, reason] of cases) {
    stack.sim.resetStats();
    const answer = await attempt();
    t.equal(answer.status, 403, name);
    t.match(answer.body, { error: { code: 'ForbiddenError', message: reason } }, name);
    t.equal(stack.sim.requestCount(), 0, `${name}: nothing sent`);
  }
  t.equal((await patch({ add_roles: ['USER_ROLE_PRIVATE_SCANNING'] })).status, 200, 'adding a role is fine');
  t.equal((await patch({ quota_limits: { api_requests_daily: { allowed: 100 } } })).status, 200, 'an allowance at the floor is fine');
  t.equal((await patch({ remove_roles: ['USER_ROLE_PRIVATE_SCANNING'] }, 'user_2')).status, 200, 'other accounts are not protected');
  t.equal((await send(viewers, 'POST', stack.auth, { data: [{ type: 'user', id: 'user_2' }] })).status, 200, 'another account may be made a viewer');
  t.notOk(stack.auditLines().some((l) => JSON.stringify(l).includes('vt-test-key')), 'the lookup, whose path holds the key, is not audited');
  t.match(
    stack.auditLines().filter((l) => l.operation === 'keyOwnerResolved'),
    [{ channel: 'gateway', change: { keyOwner: DEMO_ADMIN_USER, groups: [G] } }],
    'but its result is on the record as a gateway event',
  );

  const mcp = await startMcpStack(t, { config: { keyOwner: DEMO_ADMIN_USER } });
  const client = await mcp.connect();
  const tool = await callTool(client, 'remove-user-group', { id: G, user_id: DEMO_ADMIN_USER });
  t.match(tool.structuredContent, { error: { code: 'ForbiddenError', message: /Key-owner protection/ } }, 'MCP too');
});

t.test('a configured key owner is matched by the email configured with it', async (t) => {
  const email = `${DEMO_ADMIN_USER}@example.com`;
  const configured = await startStack(t, { config: { keyOwner: DEMO_ADMIN_USER, keyOwnerEmail: email } });
  configured.sim.resetStats();
  const viewers = `${configured.url}/v1/threat_profiles/${DEMO_THREAT_PROFILE_ID}/relationships/viewers`;
  const answer = await send(viewers, 'POST', configured.auth, { data: [{ type: 'user', id: email.toUpperCase() }] });
  t.equal(answer.status, 403);
  t.match(answer.body, { error: { code: 'ForbiddenError', message: /Key-owner protection/ } });
  t.equal(configured.sim.requestCount(), 0, 'nothing sent');
  t.throws(() => loadConfig({ VIRUSTOTAL_KEY_OWNER_EMAIL: email }), /VIRUSTOTAL_KEY_OWNER_EMAIL needs VIRUSTOTAL_KEY_OWNER/, 'the email alone is a configuration error');
  t.throws(() => loadConfig({ VIRUSTOTAL_KEY_OWNER: DEMO_ADMIN_USER, VIRUSTOTAL_KEY_OWNER_EMAIL: 'not an email' }), /VIRUSTOTAL_KEY_OWNER_EMAIL: must be/);
});

t.test('while the key owner is unknown, changes that could lock an account out wait (503); others go ahead', async (t) => {
  const upstream = await startFakeUpstream((req, res) =>
    req.url?.startsWith('/users/') === true ? replyJson(500, { error: { code: 'InternalError', message: 'x' } })(req, res) : replyJson(200, { data: true })(req, res),
  );
  t.teardown(() => upstream.close());
  const gw = await buildTestGateway(t, { upstream: upstream.baseUrl, config: { keyOwner: undefined, upstreamRetries: 0 } });
  const held = await gw.app.inject({ method: 'DELETE', url: `/v1/groups/${G}/relationships/users/user_1`, headers: gw.auth });
  t.equal(held.statusCode, 503);
  t.match(held.json(), { error: { code: 'TransientError', message: /not known yet/ } });
  t.equal(held.headers['retry-after'], '30');
  t.notOk(upstream.seen.some((r) => r.method === 'DELETE'), 'the removal was not sent');
  const read = await gw.app.inject({ method: 'GET', url: `/v1/groups/${G}`, headers: gw.auth });
  t.equal(read.statusCode, 200, 'reads go ahead');
  t.match(gw.auditLines().find((l) => l.method === 'DELETE'), { gatewayCode: 'GW_ERR_KEY_OWNER_UNKNOWN', status: 503 });
});
