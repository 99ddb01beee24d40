import type { AddressInfo } from 'node:net';
import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DEMO_GROUP_ID, DEMO_THREAT_PROFILE_ID } from '../../src/simulator/index.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { ADMIN_TOKEN, buildTestGateway } from '../helpers/gateway.js';
import { freePort, startStack, type Stack } from '../helpers/stack.js';
import { callTool, startMcpStack, textOf } from '../mcp/fixtures/mcp-stack.js';
import { vtClientCall, vtPyOutcome, type VtClientKind, type WireAnswer } from '../helpers/vt-client-wire.js';

const G = DEMO_GROUP_ID;

interface Page {
  data: { id: string; type: string }[];
  meta?: { cursor?: string };
  links: { self: string; next?: string };
}

function page(answer: WireAnswer): Page {
  return JSON.parse(answer.body) as Page;
}

/** A gateway with the alias on and PUBLIC_BASE_URL naming its own listening address. */
async function aliasStack(t: { teardown(fn: () => unknown): void }): Promise<Stack & { publicBaseUrl: string }> {
  const port = await freePort();
  const publicBaseUrl = `http://127.0.0.1:${port}`;
  const stack = await startStack(t, { port, config: { apiV3Alias: true, publicBaseUrl } });
  return { ...stack, publicBaseUrl };
}

const get = (kind: VtClientKind, stack: Stack, target: string, apiKey = ADMIN_TOKEN) => vtClientCall(kind, stack.url, { method: 'GET', target, apiKey });

t.test('alias on: vt-py and vt-go work against the gateway with only the host and the key changed', async (t) => {
  const stack = await aliasStack(t);
  const everyUser = page(await get('vt-py', stack, `/v1/groups/${G}/relationships/users?limit=40`)).data.map((u) => u.id);
  t.ok(everyUser.length > 3, 'the group has users on more than one page of 2');

  t.test("vt-py's get_object: status exactly 200, JSON, and links.self back on the gateway under /api/v3", async (t) => {
    const answer = await get('vt-py', stack, `/api/v3/groups/${G}`);
    const outcome = vtPyOutcome(answer);
    t.equal(answer.status, 200, answer.body);
    t.match(answer.headers['content-type'], /^application\/json/);
    t.equal(answer.headers['content-encoding'], undefined, 'nothing claims gzip that is not gzipped');
    t.ok(outcome.ok);
    t.match(JSON.parse(answer.body), { data: { id: G, type: 'group', links: { self: `${stack.publicBaseUrl}/api/v3/groups/${G}` } } });
    t.notMatch(answer.body, /virustotal\.com\/api\/v3/, 'no link leads to VirusTotal');
  });

  t.test("vt-py's iterator pages by meta.cursor and sees every user once", async (t) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const query = cursor === undefined ? 'limit=2' : `cursor=${encodeURIComponent(cursor)}&limit=2`;
      const answer = await get('vt-py', stack, `/api/v3/groups/${G}/relationships/users?${query}`);
      t.equal(answer.status, 200, answer.body);
      const body = page(answer);
      seen.push(...body.data.map((u) => u.id));
      cursor = body.meta?.cursor;
    } while (cursor !== undefined);
    t.same(seen, everyUser);
  });

  t.test("vt-go's iterator follows links.next as an absolute URL, which stays on the gateway", async (t) => {
    const seen: string[] = [];
    let next: string | undefined = `${stack.publicBaseUrl}/api/v3/groups/${G}/relationships/users?limit=2&descriptors_only=true`;
    while (next !== undefined) {
      t.ok(next.startsWith(`${stack.publicBaseUrl}/api/v3/`), `${next} points back at the gateway`);
      const url: URL = new URL(next);
      const answer = await vtClientCall('vt-go', `${url.protocol}//${url.host}`, { method: 'GET', target: url.pathname + url.search, apiKey: ADMIN_TOKEN });
      t.equal(answer.status, 200, answer.body);
      const body = page(answer);
      if (body.data.length === 0) break;
      seen.push(...body.data.map((u) => u.id));
      next = body.links.next === '' ? undefined : body.links.next;
    }
    t.same(seen, everyUser);
  });

  t.test('on /v1 the links keep /v1: the prefix the caller used', async (t) => {
    const body = page(await get('vt-go', stack, `/v1/groups/${G}/relationships/users?limit=2`));
    t.match(body.links.next, new RegExp(`^${stack.publicBaseUrl}/v1/groups/${G}/relationships/users\\?`));
    t.match(body.links.self, new RegExp(`^${stack.publicBaseUrl}/v1/`));
  });

  t.test("patch_object's body for a group, from vt-py (text/plain, echoed fields) and from vt-go (JSON, attributes only)", async (t) => {
    const vtPy =
      '{"data": {"type": "group", "attributes": {"auto_add_users": ["*@example.com"]}, "id": "my_group_id", "relationships": {"users": {"data": [{"type": "user", "id": "user_1"}]}}, "context_attributes": {"role": "admin"}}}';
    const fromPy = await vtClientCall('vt-py', stack.url, { method: 'PATCH', target: `/api/v3/groups/${G}`, apiKey: ADMIN_TOKEN, body: vtPy });
    t.equal(fromPy.status, 200, fromPy.body);
    t.equal(stack.sim.requests().at(-1)?.body, '{"data":{"type":"group","attributes":{"auto_add_users":["*@example.com"]},"id":"my_group_id"}}');
    const vtGo = `{"data":{"id":"${G}","type":"group","attributes":{"auto_add_users":["*@example.org"]}}}`;
    const fromGo = await vtClientCall('vt-go', stack.url, { method: 'PATCH', target: `/api/v3/groups/${G}`, apiKey: ADMIN_TOKEN, body: vtGo });
    t.equal(fromGo.status, 200, fromGo.body);
    t.match(JSON.parse(fromGo.body), { data: { attributes: { auto_add_users: ['*@example.org'] } } });
    const unchanged = await vtClientCall('vt-go', stack.url, { method: 'PATCH', target: `/api/v3/groups/${G}`, apiKey: ADMIN_TOKEN, body: `{"data":{"id":"${G}","type":"group"}}` });
    t.equal(unchanged.status, 200, `vt-go's PatchObject with nothing modified: ${unchanged.body}`);
  });

  t.test("patch_object's body for a user, from vt-py: the whole fetched quotas sent back; only the daily allowance goes on", async (t) => {
    const fetched = await vtClientCall('vt-py', stack.url, { method: 'GET', target: '/api/v3/users/user_2', apiKey: ADMIN_TOKEN });
    t.equal(fetched.status, 200, fetched.body);
    const user = (JSON.parse(fetched.body) as { data: { type: string; id: string; attributes: { quotas: Record<string, { allowed: number; used: number }> } } }).data;
    t.ok(Object.keys(user.attributes.quotas).length > 1, 'the fetched object holds several quotas');
    const quotas = { ...user.attributes.quotas, api_requests_daily: { ...user.attributes.quotas.api_requests_daily, allowed: 321 } };
    // vt-py's Object.to_dict(modified_attributes_only=True): the modified top-level attribute whole, then relationships.
    const vtPy = JSON.stringify({ data: { type: 'user', attributes: { quotas }, id: 'user_2', relationships: { groups: { data: [{ type: 'group', id: G }] } } } });
    const patched = await vtClientCall('vt-py', stack.url, { method: 'PATCH', target: '/api/v3/users/user_2', apiKey: ADMIN_TOKEN, body: vtPy });
    t.equal(patched.status, 200, patched.body);
    t.equal(stack.sim.requests().at(-1)?.body, '{"data":{"type":"user","id":"user_2","attributes":{"quotas":{"api_requests_daily":{"allowed":321}}}}}');
    t.match(stack.auditLines().at(-1), { operation: 'patchUser', change: { dailyAllowance: 321 } });
    const otherChanged = JSON.stringify({ data: { type: 'user', attributes: { quotas, email: 'x@example.com' } } });
    const refused = vtPyOutcome(await vtClientCall('vt-py', stack.url, { method: 'PATCH', target: '/api/v3/users/user_2', apiKey: ADMIN_TOKEN, body: otherChanged }));
    t.match(refused, { ok: false, code: 'InvalidArgumentError', message: /email/ }, 'any other attribute is still refused');
  });

  t.test('vt threatprofile list and vt threatprofile <id>, as vt-cli sends them through vt-go', async (t) => {
    const list = await get('vt-go', stack, '/api/v3/threat_profiles?filter=name%3Ademo&limit=10');
    t.equal(list.status, 200, list.body);
    const page = JSON.parse(list.body) as { data: { type: string; id: string; links: { self: string } }[] };
    t.same(page.data.map((p) => p.id), [DEMO_THREAT_PROFILE_ID], 'the profile the key may see, by name');
    t.equal(page.data[0]?.links.self, `${stack.publicBaseUrl}/api/v3/threat_profiles/${DEMO_THREAT_PROFILE_ID}`, 'its link leads back to the gateway');
    const one = await get('vt-go', stack, `/api/v3/threat_profiles/${DEMO_THREAT_PROFILE_ID}`);
    t.equal(one.status, 200, one.body);
    t.match(JSON.parse(one.body), { data: { type: 'threat_profile', id: DEMO_THREAT_PROFILE_ID, attributes: { name: 'Demo threat profile' } } });
  });

  t.test("vt-py's delete: no body, Content-Length: 0; the answer declares its length", async (t) => {
    const answer = await vtClientCall('vt-py', stack.url, { method: 'DELETE', target: `/api/v3/groups/${G}/relationships/users/user_13`, apiKey: ADMIN_TOKEN });
    t.equal(answer.status, 200, answer.body);
    t.not(answer.contentLength, undefined, 'never chunked: vt-go tells an empty answer by ContentLength == 0');
    t.equal(stack.sim.requests().at(-1)?.method, 'DELETE');
  });

  t.test('errors are parsed into APIError(code, message); the alias is no wider than /v1', async (t) => {
    const before = stack.sim.requestCount();
    const vtKey = 'a'.repeat(64);
    const wrong = vtPyOutcome(await get('vt-py', stack, `/api/v3/groups/${G}`, vtKey));
    t.match(wrong, { ok: false, code: 'WrongCredentialsError', message: /client token/ });
    t.notMatch(JSON.stringify(wrong), vtKey, 'the key sent is not echoed');
    for (const [method, target] of [
      ['GET', '/api/v3/files/44d88612fea8a8f36de82e1278abb02f'],
      ['DELETE', '/api/v3/users/user_1'],
      ['GET', '/api/v3/v1/groups/my_group_id'],
      ['GET', '/v1/api/v3/groups/my_group_id'],
    ] as const) {
      const outcome = vtPyOutcome(await vtClientCall('vt-py', stack.url, { method, target, apiKey: ADMIN_TOKEN }));
      t.match(outcome, { ok: false, code: 'NotFoundError' }, `${method} ${target}`);
    }
    const invalid = vtPyOutcome(await get('vt-go', stack, `/api/v3/groups/${G}/relationships/users?limit=41`));
    t.match(invalid, { ok: false, code: 'BadRequestError', message: "Limit can't be larger than 40" });
    t.equal(stack.sim.requestCount(), before, 'nothing of it reached VirusTotal');
  });

  t.test('audit lines name the path as called and the same operation as /v1', async (t) => {
    await get('vt-py', stack, `/api/v3/groups/${G}?attributes=organization`);
    await get('vt-py', stack, `/v1/groups/${G}?attributes=organization`);
    const [alias, v1] = stack.auditLines().slice(-2);
    t.match(alias, { path: `/api/v3/groups/${G}`, operation: 'groups', outcome: 'ok', clientId: 'test-admin' });
    t.match(v1, { path: `/v1/groups/${G}`, operation: 'groups' });
  });

  t.test('OpenAPI lists /v1 only and tells of the alias', async (t) => {
    const doc = JSON.parse((await get('vt-py', stack, '/openapi.json')).body) as { paths: Record<string, unknown>; info: { description: string } };
    const paths = Object.keys(doc.paths);
    t.ok(paths.length > 0 && paths.every((path) => path.startsWith('/v1/')), paths.join(' '));
    t.match(doc.info.description, /\/api\/v3/);
    t.match(doc.info.description, /API_V3_ALIAS/);
  });
});

t.test('alias off (the default): /api/v3 says where to go; without PUBLIC_BASE_URL /v1 links keep only their path', async (t) => {
  const stack = await startStack(t);
  const before = stack.sim.requestCount();
  const answer = await get('vt-py', stack, `/api/v3/groups/${G}`);
  t.equal(answer.status, 404);
  t.match(vtPyOutcome(answer), { ok: false, code: 'NotFoundError', message: /use \/v1 .*API_V3_ALIAS/ });
  t.equal(stack.sim.requestCount(), before, 'nothing reached VirusTotal');
  const unknown = vtPyOutcome(await get('vt-py', stack, '/v2/groups'));
  t.match(unknown, { code: 'NotFoundError', message: /^No operation at GET \/v2\/groups$/ }, 'other unknown paths keep their own message');

  const body = page(await get('vt-go', stack, `/v1/groups/${G}/relationships/users?limit=2`));
  t.match(body.links.next, new RegExp(`^/v1/groups/${G}/relationships/users\\?`), 'vt-go cannot follow it, and so cannot send its X-Apikey to VirusTotal');
});

t.test('API_V3_ALIAS=true without PUBLIC_BASE_URL stops the start with one line naming both', async (t) => {
  t.throws(() => loadConfig({ API_V3_ALIAS: 'true' }), ConfigError);
  try {
    loadConfig({ API_V3_ALIAS: 'true' });
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    t.equal(message.split('\n').length, 1, message);
    t.match(message, /API_V3_ALIAS.*PUBLIC_BASE_URL/);
  }
  t.match(loadConfig({ API_V3_ALIAS: 'true', PUBLIC_BASE_URL: 'https://vt-gateway.example' }), { apiV3Alias: true, publicBaseUrl: 'https://vt-gateway.example' });
  for (const bad of ['/relative', 'vt-gateway.example', 'https://vt-gateway.example?x=1', 'https://vt gateway.example']) {
    t.throws(() => loadConfig({ PUBLIC_BASE_URL: bad }), /PUBLIC_BASE_URL/, bad);
  }
});

t.test('a streamed answer (no declared length) has its links rewritten too, even split across chunks', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const port = await freePort();
  const publicBaseUrl = `http://127.0.0.1:${port}`;
  const gateway = await buildTestGateway(t, { upstream: upstream.baseUrl, config: { apiV3Alias: true, publicBaseUrl } });
  await gateway.app.listen({ port, host: '127.0.0.1' });
  const filler = 'x'.repeat(100_000);
  const next = 'https://www.virustotal.com/api/v3/groups/g/relationships/users?cursor=Mg&limit=2';
  upstream.handle((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const own = `${upstream.baseUrl}/groups/g/relationships/users?limit=2`;
    res.write(`{"data":[{"type":"user","id":"u","attributes":{"note":"${filler}"}}],"links":{"self":"${own}","next":"${next.slice(0, 30)}`);
    setTimeout(() => res.end(`${next.slice(30)}"}}`), 20);
  });
  const answer = await vtClientCall('vt-go', publicBaseUrl, { method: 'GET', target: '/api/v3/groups/g/relationships/users?limit=2', apiKey: ADMIN_TOKEN });
  t.equal(answer.status, 200);
  t.equal(answer.contentLength, undefined, 'it was streamed');
  const body = page(answer);
  t.same(body.links, {
    self: `${publicBaseUrl}/api/v3/groups/g/relationships/users?limit=2`,
    next: `${publicBaseUrl}/api/v3/groups/g/relationships/users?cursor=Mg&limit=2`,
  });
  t.equal(answer.body.length, JSON.stringify(body).length, 'nothing else changed');
});

t.test('without PUBLIC_BASE_URL the links keep only their path: no link leads a client and its token to VirusTotal', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const next = 'https://www.virustotal.com/api/v3/groups/g/relationships/users?cursor=Mg&limit=2';
  const own = `${upstream.baseUrl}/groups/g/relationships/users?limit=2`;
  for (const [basePath, streamed] of [['', false], ['/vt', true]] as const) {
    const gateway = await buildTestGateway(t, { upstream: upstream.baseUrl, config: { basePath } });
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`;
    upstream.handle((_req, res) => {
      const body = `{"data":[{"type":"user","id":"u","attributes":{"note":"${'x'.repeat(streamed ? 100_000 : 10)}"}}],"links":{"self":"${own}","next":"${next}"}}`;
      res.writeHead(200, streamed ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.end(body);
    });
    const answer = await fetch(`${url}${basePath}/v1/groups/g/relationships/users?limit=2`, { headers: gateway.auth });
    const text = await answer.text();
    t.equal(answer.status, 200);
    t.same((JSON.parse(text) as Page).links, {
      self: `${basePath}/v1/groups/g/relationships/users?limit=2`,
      next: `${basePath}/v1/groups/g/relationships/users?cursor=Mg&limit=2`,
    }, `BASE_PATH '${basePath}', ${streamed ? 'streamed' : 'read whole'}`);
    t.notOk(text.includes('virustotal.com') || text.includes(upstream.baseUrl), 'no link leads out of the gateway');
    await gateway.app.close();
  }
});

t.test('MCP tool results carry the links under /v1 when PUBLIC_BASE_URL is set', async (t) => {
  const publicBaseUrl = 'https://vt-gateway.example';
  const mcp = await startMcpStack(t, { config: { publicBaseUrl } });
  const client = await mcp.connect();
  const result = await callTool(client, 'get-objects-related-group', { id: G, relationship: 'users', limit: 2 });
  const body = JSON.parse(textOf(result)) as Page;
  t.match(body.links.next, new RegExp(`^${publicBaseUrl}/v1/groups/${G}/users\\?`));
  t.notMatch(textOf(result), /virustotal\.com\/api\/v3/);
});
