import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { ADMIN_TOKEN, bearer, type TestClient } from '../helpers/gateway.js';
import { callTool, MCP_HEADERS, startMcpStack, textOf } from './fixtures/mcp-stack.js';

const G = 'my_group_id';
// A hang shows up as this test's failure instead of the whole file's timeout.
const HANG = 10_000;

t.test('a batch that cancels its own request is still answered, and the call still happens', async (t) => {
  const stack = await startMcpStack(t);
  const post = (body: unknown) =>
    fetch(stack.url, { method: 'POST', headers: { ...MCP_HEADERS, ...bearer(ADMIN_TOKEN) }, body: JSON.stringify(body), signal: AbortSignal.timeout(HANG) });

  const ping = await post([
    { jsonrpc: '2.0', id: 1, method: 'ping' },
    { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } },
  ]);
  t.equal(ping.status, 200);
  // The SDK answers a batch holding one request with that one answer, not an array.
  t.match(await ping.json(), { id: 1, result: {} }, 'the ping is answered');

  const call = await post([
    { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'get-group-object', arguments: { id: G } } },
    { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7, reason: 'x' } },
  ]);
  t.equal(call.status, 200);
  const answer = (await call.json()) as { id: number; result: { isError?: boolean; structuredContent: unknown } };
  t.equal(answer.id, 7);
  t.notOk(answer.result.isError, "the tool call's answer comes back");
  t.match(answer.result.structuredContent, { data: { id: G } });
  t.equal(stack.sim.requestCount(), 1);
  t.match(stack.auditLines(), [{ operation: 'groups', outcome: 'ok', channel: 'mcp' }]);

  const alone = await post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3 } });
  t.equal(alone.status, 202, 'a cancellation alone is a notification like any other');

  const asRequest = await post([{ jsonrpc: '2.0', id: 9, method: 'notifications/cancelled', params: { requestId: 9 } }]);
  t.equal(asRequest.status, 200, 'a request named like the notification is a request, and answered');
  t.match(await asRequest.json(), { id: 9, error: { code: -32601 } });
});

t.test('a POST /mcp that nothing answers ends at MCP_ANSWER_TIMEOUT_MS with a 504', async (t) => {
  const held: Socket[] = [];
  const stalled = createServer((socket) => {
    held.push(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of held) socket.destroy();
    stalled.close();
  });
  const { port } = stalled.address() as AddressInfo;
  const stack = await startMcpStack(t, {
    config: { vtApiBaseUrl: `http://127.0.0.1:${port}/api/v3`, upstreamHeadersTimeoutMs: 3000, mcpAnswerTimeoutMs: 300 },
  });
  const res = await fetch(stack.url, {
    method: 'POST',
    headers: { ...MCP_HEADERS, ...bearer(ADMIN_TOKEN) },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get-group-object', arguments: { id: G } } }),
    signal: AbortSignal.timeout(HANG),
  });
  t.equal(res.status, 504);
  t.match(await res.json(), { error: { code: 'DeadlineExceededError', message: /MCP_ANSWER_TIMEOUT_MS/ } });
  t.equal(res.headers.get('connection'), 'close');
});

t.test('GET and DELETE /mcp: refused callers are on the record and limited like on POST', async (t) => {
  const stack = await startMcpStack(t, { config: { anonymousRequestsPerMinute: 3 } });
  const wrong = bearer('vtgw_not-a-known-token-00000000000000000000000');
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await fetch(stack.url, { method: i % 2 === 0 ? 'GET' : 'DELETE', headers: wrong })).status);
  t.same(statuses, [401, 401, 401, 429, 429], 'guessing tokens is counted per address');
  const lines = stack.auditLines();
  t.same(
    lines.map((l) => [l.method, l.status, l.outcome]),
    [
      ['GET', 401, 'unauthenticated'],
      ['DELETE', 401, 'unauthenticated'],
      ['GET', 401, 'unauthenticated'],
      ['DELETE', 429, 'limited'],
    ],
    "every refusal until the limit, then the limit's first refusal",
  );
  const known = await fetch(stack.url, { method: 'GET', headers: bearer(ADMIN_TOKEN) });
  t.equal(known.status, 405, "a known client's probe for a stream");
  t.equal(stack.auditLines().length, lines.length, 'is still not worth a line');
});

t.test("unknown tool names cost a read of the client's budget", async (t) => {
  const limited: TestClient = { id: 'svc-guessing', token: 'vtgw_mcp-guessing-token-0000000000000000000000', rateLimit: { readsPerMinute: 2, writesPerMinute: 1 } };
  const stack = await startMcpStack(t, { clients: [limited] });
  const client = await stack.connect(limited.token);
  const first = await callTool(client, 'no-such-tool', {});
  t.match(JSON.parse(textOf(first)), { error: { code: 'NotFoundError' } });
  await callTool(client, 'no-such-tool-2', {});
  const third = await callTool(client, 'get-group-object', { id: G });
  t.match(JSON.parse(textOf(third)), { error: { code: 'TooManyRequestsError', message: /read budget of 2/ } }, 'the guesses spent the budget');
  t.equal(stack.sim.requestCount(), 0);
});

t.test('the MCP port sheds load as the REST port does', async (t) => {
  const stack = await startMcpStack(t, { config: { maxHeapUsedBytes: 1 } });
  // The first sample is taken at start; the next, a second later, sees the heap above 1 byte.
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const res = await fetch(stack.url, { method: 'POST', headers: { ...MCP_HEADERS, ...bearer(ADMIN_TOKEN) }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
  t.equal(res.status, 503);
  t.equal(res.headers.get('retry-after'), '5');
  t.match(await res.json(), { error: { code: 'TransientError', message: /overloaded/ } });
});
