import { request } from 'node:http';
import t from 'tap';
import { DEMO_THREAT_PROFILE_ID } from '../../src/simulator/index.js';
import { ADMIN_TOKEN, bearer, type TestClient } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { callTool, startMcpStack, textOf } from '../mcp/fixtures/mcp-stack.js';

const G = 'my_group_id';
const reader: TestClient = { id: 'svc-reader', token: 'vtgw_fidelity-reader-token-0000000000000000000', scopes: ['groups:read'] };

interface RawAnswer {
  status: number;
  body: string;
}

/** One HTTP request exactly as given: no path normalisation, no header the caller did not name. */
function raw(url: string, opts: { method: string; path: string; headers?: Record<string, string>; body?: string }): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method: opts.method, path: opts.path, headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function vtError(body: string): { code: string; message: string } {
  const parsed = JSON.parse(body) as { error: { code: string; message: string } };
  t.same(Object.keys(parsed), ['error'], `VirusTotal's error shape, never Fastify's: ${body}`);
  return parsed.error;
}

/** The path and query VirusTotal was last asked for, and the body it got. */
function lastUpstream(stack: Stack): { url: URL; body: string } {
  const seen = stack.sim.requests().at(-1);
  if (seen === undefined) throw new Error('nothing reached the upstream');
  return { url: new URL(seen.url, 'http://vt'), body: seen.body };
}

t.test('REST: what VirusTotal accepts goes through, what it would refuse is refused the same way', async (t) => {
  const stack = await startStack(t, { clients: [reader] });
  const get = (path: string, token = ADMIN_TOKEN) => raw(stack.url, { method: 'GET', path, headers: bearer(token) });

  t.test('listings forward attributes, filter and descriptors_only with limit and cursor', async (t) => {
    const res = await get(`/v1/groups/${G}/users?attributes=first_name,last_name,email&filter=2fa_enabled:false&descriptors_only=true&limit=40`);
    t.equal(res.status, 200, res.body);
    const { url } = lastUpstream(stack);
    t.equal(url.pathname, `/api/v3/groups/${G}/users`);
    t.same(Object.fromEntries(url.searchParams), { limit: '40', attributes: 'first_name,last_name,email', filter: '2fa_enabled:false', descriptors_only: 'true' });
  });

  t.test('object GETs forward relationships and attributes', async (t) => {
    const res = await get(`/v1/groups/${G}?relationships=users,administrators&attributes=organization`);
    t.equal(res.status, 200, res.body);
    t.same(Object.fromEntries(lastUpstream(stack).url.searchParams), { relationships: 'users,administrators', attributes: 'organization' });
  });

  t.test('refused before anything leaves, each naming what is wrong', async (t) => {
    const before = stack.sim.requestCount();
    const cases: Array<[string, string, string, RegExp]> = [
      ['unknown parameter on an object GET', `/v1/groups/${G}?foo=1`, 'InvalidArgumentError', /Unknown query parameter "foo"/],
      ['parameter on a check', `/v1/groups/${G}/relationships/users/user_1?limit=5`, 'InvalidArgumentError', /Unknown query parameter "limit"/],
      ['limit above 40', `/v1/groups/${G}/users?limit=41`, 'BadRequestError', /^Limit can't be larger than 40$/],
      ['a relationship outside the table', `/v1/groups/${G}/quotas`, 'InvalidArgumentError', /must be one of administrators, graphs, users, service_accounts/],
      ['an embedded relationship outside the table', `/v1/groups/${G}?relationships=users,api_usage`, 'InvalidArgumentError', /"relationships"/],
    ];
    for (const [name, path, code, message] of cases) {
      const res = await get(path, reader.token);
      t.equal(res.status, 400, name);
      t.match(vtError(res.body), { code, message }, name);
    }
    const owner = await raw(stack.url, {
      method: 'POST',
      path: `/v1/threat_profiles/${DEMO_THREAT_PROFILE_ID}/relationships/owner`,
      headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
      body: JSON.stringify({ data: [{ type: 'user', id: 'user_1' }] }),
    });
    t.equal(owner.status, 400);
    t.match(vtError(owner.body), { code: 'InvalidArgumentError', message: /must be one of editors, viewers/ });
    t.equal(stack.sim.requestCount(), before, 'VirusTotal was not called');
    const graphs = await get(`/v1/groups/${G}/graphs`, reader.token);
    t.equal(graphs.status, 200, 'a relationship in the table is forwarded');
  });

  t.test("what VirusTotal's own tools read: a threat profile's recommendations, vt-cli's user relationships", async (t) => {
    for (const path of [`/v1/threat_profiles/${DEMO_THREAT_PROFILE_ID}/recommendations`, `/v1/threat_profiles/${DEMO_THREAT_PROFILE_ID}/relationships/recommendations?limit=10`]) {
      const res = await get(path);
      t.equal(res.status, 200, `${path}: ${res.body}`);
      t.equal(lastUpstream(stack).url.pathname, `/api/v3${(path.split('?')[0] ?? '').slice('/v1'.length)}`, `${path} is forwarded as asked`);
    }
    const write = await raw(stack.url, {
      method: 'POST',
      path: `/v1/threat_profiles/${DEMO_THREAT_PROFILE_ID}/relationships/recommendations`,
      headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
      body: JSON.stringify({ data: [{ type: 'user', id: 'user_1' }] }),
    });
    t.equal(write.status, 400, 'recommendations are read, not granted like an access level');
    const vtCli = await get('/v1/users/user_1?relationships=groups,api_quota_group,intelligence_quota_group,monitor_quota_group');
    t.equal(vtCli.status, 200, `vt-cli's \`vt user\`: ${vtCli.body}`);
    t.equal(lastUpstream(stack).url.searchParams.get('relationships'), 'groups,api_quota_group,intelligence_quota_group,monitor_quota_group');
  });

  t.test("PATCH of a group as vt-py's patch_object sends it: text/plain, echoed fields stripped before forwarding", async (t) => {
    // Byte for byte what vt-py 0.x sends (json.dumps separators, key order of Object.to_dict).
    const vtPy =
      '{"data": {"type": "group", "attributes": {"auto_add_users": ["*@example.com"]}, "id": "my_group_id", "relationships": {"users": {"data": [{"type": "user", "id": "user_1"}]}}, "context_attributes": {"role": "admin"}, "links": {"self": "https://www.virustotal.com/api/v3/groups/my_group_id"}}}';
    const res = await raw(stack.url, {
      method: 'PATCH',
      path: `/v1/groups/${G}`,
      headers: { 'x-test': '1', ...bearer(ADMIN_TOKEN), 'content-type': 'text/plain; charset=utf-8' },
      body: vtPy,
    });
    t.equal(res.status, 200, res.body);
    const seen = stack.sim.requests().at(-1);
    t.equal(seen?.body, '{"data":{"type":"group","attributes":{"auto_add_users":["*@example.com"]},"id":"my_group_id"}}');
    t.match(seen?.headers['content-type'], /^application\/json/, 'forwarded as JSON');
    for (const body of ['{"data":{"type":"group","attributes":{},"id":"my_group_id"}}', '{"data":{"id":"my_group_id","type":"group"}}']) {
      const empty = await raw(stack.url, { method: 'PATCH', path: `/v1/groups/${G}`, headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' }, body });
      t.equal(empty.status, 200, `${body}: ${empty.body}`);
    }
  });

  t.test('emails: only what every address has is checked; the rest goes to VirusTotal as parsed', async (t) => {
    for (const [sent, forwarded] of [
      ['"o\'brien@example.com"', "o'brien@example.com"],
      ['"r&d@example.com"', 'r&d@example.com'],
      ['"jos\\u00e9@example.com"', 'josé@example.com'],
      ['"用户@例子.广告"', '用户@例子.广告'],
    ] as const) {
      const res = await raw(stack.url, {
        method: 'POST',
        path: `/v1/groups/${G}/relationships/users`,
        headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'text/plain; charset=utf-8' },
        body: `{"data": [{"type": "user", "id": ${sent}}]}`,
      });
      t.not(res.status, 400, `${forwarded}: not refused by the gateway (${res.body})`);
      t.equal(lastUpstream(stack).body, JSON.stringify({ data: [{ type: 'user', id: forwarded }] }));
    }
  });

  t.test('a DELETE with content-type application/json and no bytes is a DELETE without a body', async (t) => {
    const before = stack.sim.requestCount();
    const res = await raw(stack.url, {
      method: 'DELETE',
      path: `/v1/groups/${G}/relationships/users/user_13`,
      headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json', 'content-length': '0' },
    });
    t.equal(res.status, 200, res.body);
    t.equal(stack.sim.requestCount(), before + 1, 'forwarded');
  });

  t.test('a body nested 10,000 arrays deep: 400 in VirusTotal shape, on the record, nothing sent', async (t) => {
    const before = stack.sim.requestCount();
    const linesBefore = stack.auditLines().length;
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const res = await raw(stack.url, {
      method: 'PATCH',
      path: `/v1/groups/${G}`,
      headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
      body: `{"data":{"type":"group","attributes":{"preferences":{"a":{"b":${deep}}}}}}`,
    });
    t.equal(res.status, 400);
    t.match(vtError(res.body), { code: 'BadRequestError', message: /deeper than 32/ });
    const lines = stack.auditLines().slice(linesBefore);
    t.equal(lines.length, 1, 'one audit line');
    t.match(lines[0], { operation: 'patchGroup', status: 400, outcome: 'invalid', gatewayCode: 'GW_ERR_BAD_REQUEST' });
    t.equal(stack.sim.requestCount(), before, 'VirusTotal was not called');
  });

  t.test('errors from the static-file plugin keep their 4xx status, in VirusTotal shape, on the record', async (t) => {
    const linesBefore = stack.auditLines().length;
    const traversal = await raw(stack.url, { method: 'GET', path: '/docs/static/../../package.json' });
    t.equal(traversal.status, 403, traversal.body);
    t.equal(vtError(traversal.body).code, 'ForbiddenError');
    const range = await raw(stack.url, { method: 'GET', path: '/docs/static/swagger-ui.css', headers: { range: 'bytes=999999999-' } });
    t.equal(range.status, 416, range.body);
    vtError(range.body);
    const lines = stack.auditLines().slice(linesBefore);
    t.same(lines.map((l) => l.status), [403, 416], 'both refusals are on the record');
  });

  t.test('OpenAPI names the six documented roles and the closed relationship lists', async (t) => {
    const doc = (await get('/openapi.json')).body;
    for (const role of ['USER_ROLE_GROUP_ADMIN', 'USER_ROLE_PRIVATE_SCANNING', 'USER_ROLE_FILE_DOWNLOADS', 'USER_ROLE_FILE_UPLOADS', 'USER_ROLE_PRIVATE_FILE_UPLOADS', 'USER_ROLE_PRIVATE_FILE_DOWNLOADS']) {
      t.ok(doc.includes(role), role);
    }
    t.ok(doc.includes('"enum":["administrators","graphs","users","service_accounts"]'), 'group relationships as an enum');
    t.ok(doc.includes('"enum":["editors","viewers"]'), 'threat-profile relationships as an enum');
  });
});

t.test('MCP: the same table and the same refusals', async (t) => {
  const stack = await startMcpStack(t);
  const client = await stack.connect();

  const { tools } = await client.listTools();
  const objects = tools.find((tool) => tool.name === 'get-objects-related-group');
  t.match(objects?.inputSchema.properties?.relationship, { enum: ['administrators', 'graphs', 'users', 'service_accounts'] }, 'the tool schema carries the enum');

  const before = stack.sim.requestCount();
  for (const [tool, args, code, message] of [
    ['get-objects-related-group', { id: G, relationship: 'api_usage' }, 'InvalidArgumentError', /must be one of administrators, graphs, users, service_accounts/],
    ['add-threat-profile-relationships', { id: DEMO_THREAT_PROFILE_ID, relationship: 'owner', body: { data: [{ type: 'user', id: 'user_1' }] } }, 'InvalidArgumentError', /must be one of editors, viewers/],
    ['get-group-users', { id: G, limit: 41 }, 'BadRequestError', /^Limit can't be larger than 40$/],
  ] as const) {
    const result = await callTool(client, tool, args);
    t.equal(result.isError, true, tool);
    t.match(JSON.parse(textOf(result)), { error: { code, message } }, tool);
  }
  t.equal(stack.sim.requestCount(), before, 'VirusTotal was not called');

  const listing = await callTool(client, 'get-objects-related-group', { id: G, relationship: 'users', attributes: 'first_name', filter: '2fa_enabled:false', descriptors_only: true, limit: 5 });
  t.notOk(listing.isError, textOf(listing).slice(0, 200));
  const seen = new URL(stack.sim.requests().at(-1)?.url ?? '', 'http://vt');
  t.same(Object.fromEntries(seen.searchParams), { limit: '5', attributes: 'first_name', filter: '2fa_enabled:false', descriptors_only: 'true' });

  const patched = await callTool(client, 'update-group-object', {
    id: G,
    body: { data: { type: 'group', attributes: {}, id: G, relationships: { users: { data: [] } }, context_attributes: { role: 'admin' } } },
  });
  t.notOk(patched.isError, textOf(patched).slice(0, 200));
  t.equal(stack.sim.requests().at(-1)?.body, '{"data":{"type":"group","attributes":{},"id":"my_group_id"}}', 'echoed fields stripped');

  const linesBefore = stack.auditLines().length;
  const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
  const res = await fetch(stack.url, {
    method: 'POST',
    headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"update-group-object","arguments":{"id":"${G}","body":${deep}}}}`,
  });
  t.equal(res.status, 400);
  t.match(vtError(await res.text()), { code: 'BadRequestError', message: /deeper than 32/ });
  t.equal(stack.auditLines().length, linesBefore + 1, 'one audit line');
});
