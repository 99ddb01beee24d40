import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import type { GatewayConfig } from '../../src/config.js';
import { buildMcpApp } from '../../src/mcp/mcp-server.js';
import { replyJson, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';

/*
 * A Redis that is connected but does not answer (`kill -STOP`: paused, swapping, a stuck failover) used to hang
 * every request for the caller's whole patience, whether fail-open or fail-closed, while /readyz said ready; and
 * after `kill -CONT` the requests their callers had given up on were sent to VirusTotal.
 */

const COMMAND_TIMEOUT_MS = 300;
const PATH = '/v1/groups/g1';

interface Stalled extends TestGateway {
  url: string;
  upstream: FakeUpstream;
  redis: RedisServer;
}

async function stalledStack(t: Test, config: Partial<GatewayConfig>): Promise<Stalled> {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const upstream = await startFakeUpstream(replyJson(200, { data: { id: 'g1' } }));
  t.teardown(() => upstream.close());
  const gateway = await buildTestGateway(t, {
    upstream: upstream.baseUrl,
    config: { redisUrl: redis.url, redisCommandTimeoutMs: COMMAND_TIMEOUT_MS, ...config },
  });
  await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  const ready = await fetch(`http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}/readyz`);
  t.equal(ready.status, 200, 'ready while Redis answers');
  redis.pause();
  t.teardown(() => redis.resume());
  return { ...gateway, url: `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`, upstream, redis };
}

async function timed(url: string, init: RequestInit = {}): Promise<{ status: number; ms: number; body: string }> {
  const started = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const body = await res.text();
  return { status: res.status, ms: performance.now() - started, body };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('fail-closed: 503 within 2 s, not ready, and nothing sent after Redis resumes', async (t) => {
  const s = await stalledStack(t, { rateLimitFailOpen: false });
  const answer = await timed(s.url + PATH, { headers: s.auth });
  t.equal(answer.status, 503);
  t.match(JSON.parse(answer.body), { error: { code: 'TransientError' } });
  t.ok(answer.ms < 2000, `answered in ${Math.round(answer.ms)} ms`);

  const ready = await timed(`${s.url}/readyz`);
  t.equal(ready.status, 503, '/readyz: not ready');
  t.match(JSON.parse(ready.body), { failures: { redis: /PING/ } });
  t.ok(ready.ms < 2000, `/readyz answered in ${Math.round(ready.ms)} ms`);

  s.redis.resume();
  await settle(1000);
  t.equal(s.upstream.seen.length, 0, 'the refused request never reached VirusTotal');
  t.equal((await timed(`${s.url}/readyz`)).status, 200, 'ready again');
});

t.test('fail-open: 200 within 2 s; a caller that hung up meanwhile is not sent upstream', async (t) => {
  const s = await stalledStack(t, { rateLimitFailOpen: true });
  const answer = await timed(s.url + PATH, { headers: s.auth });
  t.equal(answer.status, 200, 'let through unlimited');
  t.ok(answer.ms < 2000, `answered in ${Math.round(answer.ms)} ms`);
  t.equal(s.upstream.seen.length, 1);

  const abandoned = fetch(s.url + PATH, { headers: { ...s.auth, 'x-request-id': 'abandoned-1' }, signal: AbortSignal.timeout(100) });
  await t.rejects(abandoned, 'the caller gives up before Redis answers');
  s.redis.resume();
  await settle(2 * COMMAND_TIMEOUT_MS + 1000);
  t.equal(s.upstream.seen.length, 1, 'the abandoned request was not sent to VirusTotal');
  const line = s.auditLines().find((l) => l.requestId === 'abandoned-1');
  t.match(line, { outcome: 'cancelled', gatewayCode: 'GW_ERR_CALLER_GONE', upstreamStatus: null }, 'and its audit line says so');
});

t.test('fail-open: a caller that hung up while the organisation budget waited for Redis is not sent upstream', async (t) => {
  const s = await stalledStack(t, { rateLimitFailOpen: true });
  // The client's count gives up on Redis at COMMAND_TIMEOUT_MS, the organisation budget's one more later: the
  // caller leaves in between, after the first check that it is still there.
  const abandoned = fetch(s.url + PATH, { headers: { ...s.auth, 'x-request-id': 'abandoned-2' }, signal: AbortSignal.timeout(COMMAND_TIMEOUT_MS * 1.5) });
  await t.rejects(abandoned, 'the caller gives up while the budget is being spent');
  await settle(2 * COMMAND_TIMEOUT_MS + 500);
  t.equal(s.upstream.seen.length, 0, 'nothing was sent to VirusTotal');
  t.match(
    s.auditLines().find((l) => l.requestId === 'abandoned-2'),
    { outcome: 'cancelled', gatewayCode: 'GW_ERR_CALLER_GONE' },
  );
});

t.test('fail-open over MCP: a tool call whose caller hung up meanwhile is not sent upstream', async (t) => {
  const s = await stalledStack(t, { rateLimitFailOpen: true });
  const mcp = await buildMcpApp(s.core, { logger: false });
  await mcp.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => mcp.close());
  const url = `http://127.0.0.1:${(mcp.server.address() as AddressInfo).port}/mcp`;
  const toolCall = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get-group-object', arguments: { id: 'g1' } } });
  const headers = { ...s.auth, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-request-id': 'mcp-abandoned' };

  const answered = await timed(url, { method: 'POST', headers: { ...headers, 'x-request-id': 'mcp-answered' }, body: toolCall });
  t.equal(answered.status, 200);
  t.ok(answered.ms < 2000, `answered in ${Math.round(answered.ms)} ms`);
  t.equal(s.upstream.seen.length, 1, 'let through unlimited');

  await t.rejects(fetch(url, { method: 'POST', headers, body: toolCall, signal: AbortSignal.timeout(100) }), 'the caller gives up');
  s.redis.resume();
  await settle(2 * COMMAND_TIMEOUT_MS + 1000);
  t.equal(s.upstream.seen.length, 1, 'the abandoned tool call was not sent to VirusTotal');
  t.match(
    s.auditLines().find((l) => l.requestId === 'mcp-abandoned:1'),
    { channel: 'mcp', outcome: 'cancelled', gatewayCode: 'GW_ERR_CALLER_GONE' },
    'and its audit line says so',
  );
});
