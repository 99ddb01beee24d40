import t from 'tap';
import { ADMIN_TOKEN, bearer } from '../helpers/gateway.js';
import { MCP_HEADERS, startMcpStack, TOOLS_LIST } from './fixtures/mcp-stack.js';

t.test('HTTP face of POST /mcp', async (t) => {
  const stack = await startMcpStack(t);
  const post = (headers: Record<string, string>, body = TOOLS_LIST) => fetch(stack.url, { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body });

  t.test('no token or a wrong one: 401 in VirusTotal error shape, before any MCP processing', async (t) => {
    for (const [headers, code] of [
      [{}, 'AuthenticationRequiredError'],
      [bearer('vtgw_not-a-known-token-00000000000000000000000'), 'WrongCredentialsError'],
      [{ authorization: `Basic ${Buffer.from(`x:${ADMIN_TOKEN}`).toString('base64')}` }, 'WrongCredentialsError'],
      [{ authorization: ADMIN_TOKEN }, 'WrongCredentialsError'],
    ] as const) {
      const res = await post(headers);
      t.equal(res.status, 401, `${JSON.stringify(headers)}: 401`);
      t.match(res.headers.get('content-type'), /^application\/json/);
      const body = (await res.json()) as { error: { code: string; message: string } };
      t.equal(body.error.code, code);
      t.type(body.error.message, 'string');
    }
    const broken = await post({}, '{"jsonrpc":');
    t.equal(broken.status, 401, 'the token is checked before the body is even parsed');
    t.equal(stack.sim.requestCount(), 0);
    const lines = stack.auditLines();
    t.equal(lines.length, 5, 'each refused request is on the record');
    t.ok(lines.every((l) => l.channel === 'mcp' && l.outcome === 'unauthenticated' && l.status === 401 && l.operation === null && l.path === '/mcp'));
  });

  t.test('the SDK client cannot connect with a wrong token', async (t) => {
    await t.rejects(stack.connect('vtgw_not-a-known-token-00000000000000000000000'));
  });

  t.test('stateless: any POST stands alone, there is nothing to GET or DELETE', async (t) => {
    const res = await post(bearer(ADMIN_TOKEN));
    t.equal(res.status, 200, 'tools/list works without an initialize before it');
    t.equal(res.headers.get('mcp-session-id'), null, 'no session id');
    t.match(res.headers.get('content-type'), /^application\/json/, 'plain JSON, no SSE stream');
    t.match(res.headers.get('x-request-id'), /.+/, 'the gateway headers go with the MCP answer');
    t.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as { id: number; result: { tools: unknown[] } };
    t.equal(body.id, 1);
    t.ok(body.result.tools.length > 0);

    for (const method of ['GET', 'DELETE']) {
      const refused = await fetch(stack.url, { method, headers: { ...bearer(ADMIN_TOKEN), accept: 'text/event-stream' } });
      t.equal(refused.status, 405, `${method} /mcp: 405`);
      t.equal(refused.headers.get('allow'), 'POST');
      t.match(await refused.json(), { error: { code: 'NotFoundError', message: /stateless/ } });
    }
    t.equal((await fetch(stack.url, { method: 'GET' })).status, 401, 'GET without a token: 401 first');
  });

  t.test('malformed requests get VirusTotal-shaped errors', async (t) => {
    const broken = await post(bearer(ADMIN_TOKEN), '{"jsonrpc":');
    t.equal(broken.status, 400);
    t.match(await broken.json(), { error: { code: 'BadRequestError' } });
    const elsewhere = await fetch(stack.url.replace(/\/mcp$/, '/v1/groups/my_group_id'), { headers: bearer(ADMIN_TOKEN) });
    t.equal(elsewhere.status, 404);
    t.match(await elsewhere.json(), { error: { code: 'NotFoundError' } });
    t.equal(stack.sim.requestCount(), 0);
  });
});
