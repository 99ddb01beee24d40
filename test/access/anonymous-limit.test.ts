import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { limitedUnit } from '../../src/core/anonymous-limit.js';
import { buildMcpApp } from '../../src/mcp/mcp-server.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startStack, type Stack } from '../helpers/stack.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

async function statusOf(url: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res.status;
}

async function metric(stack: Stack, name: string): Promise<string> {
  return (await stack.core.metrics.registry.getSingleMetricAsString(name)) ?? '';
}

t.test('what the caller controls before authentication is cut in the audit line, with the whole digest', async (t) => {
  const stack = await startStack(t);
  const longId = `g${'z'.repeat(400)}`;
  const path = `/v1/groups/${longId}`;
  t.equal(await statusOf(stack.url + path), 401);
  const [line] = stack.auditLines();
  t.equal(line?.clientId, null);
  t.equal(line?.path, path.slice(0, 256), 'the path keeps its first 256 bytes');
  t.same(line?.cut?.path, { bytes: path.length, sha256: sha256(path) }, 'and the whole path is named by length and digest');
  t.equal(line?.targets.group, longId.slice(0, 256), 'the targets of an unauthenticated call are cut too');
  t.same(line?.cut?.['targets.group'], { bytes: longId.length, sha256: sha256(longId) });

  await statusOf(stack.url + path, { headers: stack.auth });
  const authed = stack.auditLines()[1];
  t.equal(authed?.clientId, 'test-admin');
  t.equal(authed?.targets.group, longId, 'the targets of an authenticated call are never cut');
  t.equal(authed?.cut?.['targets.group'], undefined);
});

t.test('unauthenticated calls are limited per address on REST and MCP, and over the limit cost no audit line each', async (t) => {
  const stack = await startStack(t, { config: { anonymousRequestsPerMinute: 5 } });
  const mcp = await buildMcpApp(stack.core, { logger: false });
  await mcp.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => mcp.close());
  const mcpUrl = `http://127.0.0.1:${(mcp.server.address() as AddressInfo).port}/mcp`;

  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) {
    statuses.push(await statusOf(`${stack.url}/v1/groups/g${i}`, { headers: { authorization: 'Bearer vtgw_wrong-token' } }));
    // The client with a token shares the address and is never refused by the flood.
    t.equal(await statusOf(`${stack.url}/v1/groups/my_group_id`, { headers: stack.auth }), 200);
  }
  t.same(statuses, [...Array<number>(5).fill(401), ...Array<number>(15).fill(429)], 'five answered, then 429');
  t.equal(await statusOf(`${stack.url}/no/such/route`), 429, 'unknown routes count as unauthenticated calls');
  const mcpStatus = await statusOf(mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  t.equal(mcpStatus, 429, 'the MCP channel shares the per-address limit');
  const refused = await fetch(`${stack.url}/v1/groups/x`);
  t.equal(refused.headers.get('retry-after') !== null, true, 'a 429 says when to retry');
  t.match(await refused.json(), { error: { code: 'TooManyRequestsError' } });

  const anonymous = stack.auditLines().filter((line) => line.clientId === null);
  t.same(
    anonymous.map((line) => line.status),
    [401, 401, 401, 401, 401, 429],
    'the five answered calls and the first refusal are on the record; later refusals are not, one by one',
  );
  t.match(await metric(stack, 'vtgw_anonymous_refusals_unrecorded_total'), /vtgw_anonymous_refusals_unrecorded_total 17$/m);
});

t.test('over-long URLs get 400 before routing matters; over-long heads are refused by the parser and counted', async (t) => {
  const stack = await startStack(t, { config: { maxUrlBytes: 1024, maxHeaderBytes: 8192 } });
  const port = Number(new URL(stack.url).port);
  const longUrl = `/v1/groups/my_group_id?${'b'.repeat(2000)}`;
  const res = await fetch(stack.url + longUrl, { headers: stack.auth });
  t.equal(res.status, 400);
  t.match(await res.json(), { error: { code: 'BadRequestError', message: /longer than 1024 bytes/ } });
  t.match(stack.auditLines()[0], { status: 400, path: '/v1/groups/my_group_id' }, 'the refusal is on the record');

  const before = stack.auditLines().length;
  const answer = await rawRequest(port, `GET /v1/groups/g HTTP/1.1\r\nhost: x\r\nx-big: ${'c'.repeat(10_000)}\r\n\r\n`);
  t.equal(answer.status, 400);
  t.equal(stack.auditLines().length, before, "a refusal by Node's parser has no request to audit");
  t.match(await metric(stack, 'vtgw_http_parser_refusals_total'), /vtgw_http_parser_refusals_total\{reason="HPE_HEADER_OVERFLOW"\} 1$/m);
});

t.test('an IPv6 caller is limited per /64: a new address in the same prefix for every request does not escape', async (t) => {
  // The gateway behind a trusted proxy that names each caller's IPv6 address, as a front gateway would.
  const stack = await startStack(t, { config: { anonymousRequestsPerMinute: 3, trustProxy: '127.0.0.1' } });
  const from = (address: string) => ({ authorization: 'Bearer vtgw_wrong-token', 'x-forwarded-for': address });
  const statuses: number[] = [];
  for (let i = 1; i <= 6; i++) statuses.push(await statusOf(`${stack.url}/v1/groups/g`, { headers: from(`2001:db8:1:2::${i.toString(16)}`) }));
  t.same(statuses, [401, 401, 401, 429, 429, 429]);
  t.equal(await statusOf(`${stack.url}/v1/groups/g`, { headers: from('2001:db8:1:2:ffff:ffff:ffff:ffff') }), 429, 'the far end of the same /64');
  t.equal(await statusOf(`${stack.url}/v1/groups/g`, { headers: from('2001:db8:1:3::1') }), 401, 'the next /64 is another party');
  t.equal(await statusOf(`${stack.url}/v1/groups/g`, { headers: from('192.0.2.1') }), 401, 'IPv4 addresses stay one each');
  t.equal(await statusOf(`${stack.url}/v1/groups/g`, { headers: from('192.0.2.2') }), 401);
  t.equal(stack.auditLines().length, 7, 'three refusals and the first 429 of the /64, then one line per other caller');
});

t.test('the unit an address is limited as', async (t) => {
  for (const [address, unit] of [
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002::', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['1:2:3:4:5:6:192.0.2.1', '1:2:3:4::/64'],
  ] as const) {
    t.equal(limitedUnit(address), unit, address);
  }
});
