import type { AddressInfo } from 'node:net';
import t from 'tap';
import { replyJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';

const failing = replyJson(503, { error: { code: 'TransientError', message: 'try again' } });

t.test('every attempt to VirusTotal spends the organisation budget, retries included', async (t) => {
  const upstream = await startFakeUpstream(failing);
  t.teardown(() => upstream.close());
  const gw = await buildTestGateway(t, {
    upstream: upstream.baseUrl,
    config: { upstreamBudgetPerMinute: 3, upstreamWriteReservePercent: 0, upstreamRetries: 2, upstreamRetryBaseMs: 1, breakerFailureThreshold: 1000 },
  });
  await gw.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}/v1/groups/g`;
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await fetch(url, { headers: gw.auth })).status);
  t.same(statuses, [503, 429, 429, 429], 'the first GET and its two retries spend the budget of 3');
  t.equal(upstream.seen.length, 3, 'three calls reached VirusTotal, not nine');
});

t.test('an open circuit spends none of the budget', async (t) => {
  const upstream = await startFakeUpstream(failing);
  t.teardown(() => upstream.close());
  const gw = await buildTestGateway(t, {
    upstream: upstream.baseUrl,
    config: { upstreamBudgetPerMinute: 2, upstreamWriteReservePercent: 0, upstreamRetries: 0, breakerFailureThreshold: 1, breakerOpenMs: 300 },
  });
  await gw.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}/v1/groups/g`;
  const get = async () => (await fetch(url, { headers: gw.auth })).status;
  t.equal(await get(), 503, "VirusTotal's 503 opens the circuit (one call spent)");
  const whileOpen = [await get(), await get(), await get(), await get()];
  t.same(whileOpen, [503, 503, 503, 503], 'refused while open');
  t.match(gw.auditLines().slice(1).map((l) => l.gatewayCode), ['GW_ERR_CIRCUIT_OPEN', 'GW_ERR_CIRCUIT_OPEN', 'GW_ERR_CIRCUIT_OPEN', 'GW_ERR_CIRCUIT_OPEN']);
  await new Promise((resolve) => setTimeout(resolve, 350));
  upstream.handle(replyJson(200, { data: true }));
  t.equal(await get(), 200, 'after the pause, the second call of the budget is still there');
  t.equal(await get(), 429, 'and then the budget of 2 is spent');
  t.equal(upstream.seen.length, 2);
});

t.test("a probe refused by the spent budget gives its turn back: the circuit closes once VirusTotal and the budget are back", async (t) => {
  const upstream = await startFakeUpstream(failing);
  t.teardown(() => upstream.close());
  // The breaker's pause and the budget's minute both read Date.now: moved forward instead of waited for.
  const realNow = Date.now;
  let ahead = 0;
  Date.now = () => realNow() + ahead;
  t.teardown(() => {
    Date.now = realNow;
  });
  const gw = await buildTestGateway(t, {
    upstream: upstream.baseUrl,
    config: { upstreamBudgetPerMinute: 1, upstreamWriteReservePercent: 0, upstreamRetries: 0, breakerFailureThreshold: 1, breakerOpenMs: 10_000 },
  });
  await gw.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}/v1/groups/g`;
  const get = async () => (await fetch(url, { headers: gw.auth })).status;
  t.equal(await get(), 503, "VirusTotal's 503 opens the circuit and spends the budget of 1");
  ahead += 10_001;
  t.equal(await get(), 429, 'the probe after the pause finds the budget spent');
  upstream.handle(replyJson(200, { data: true }));
  ahead += 60_001;
  t.equal(await get(), 200, 'a minute later the next call probes, reaches VirusTotal and closes the circuit');
  t.equal(await get(), 429, 'closed: the next call passes the circuit and meets the budget of 1');
  t.equal(upstream.seen.length, 2);
});

/** A budget of 10 calls a minute, 20 % of it held for writes, in front of a VirusTotal that answers every call. */
async function reserveStack(t: Parameters<typeof buildTestGateway>[0]) {
  const upstream = await startFakeUpstream(replyJson(200, { data: { id: 'g', type: 'group' } }));
  t.teardown(() => upstream.close());
  const gw = await buildTestGateway(t, {
    upstream: upstream.baseUrl,
    config: { upstreamBudgetPerMinute: 10, upstreamWriteReservePercent: 20, upstreamRetries: 0 },
  });
  await gw.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}/v1/groups/g`;
  return {
    upstream,
    read: async () => (await fetch(url, { headers: gw.auth })).status,
    refusedRead: async () => (await fetch(url, { headers: gw.auth })).json(),
    write: async () =>
      (await fetch(url, { method: 'PATCH', headers: { ...gw.auth, 'content-type': 'application/json' }, body: '{"data":{"id":"g","type":"group"}}' })).status,
  };
}

t.test('reads cannot spend the share of the budget held for writes, not even with refused reads', async (t) => {
  const { upstream, read, refusedRead, write } = await reserveStack(t);
  const reads: number[] = [];
  for (let i = 0; i < 14; i++) reads.push(await read());
  t.same(reads, [...Array<number>(8).fill(200), ...Array<number>(6).fill(429)], 'reads get 8 of the 10 calls');
  t.match(await refusedRead(), { error: { code: 'TooManyRequestsError', message: /held for writes/ } });
  t.same([await write(), await write(), await write()], [200, 200, 429], 'writes still get the 2 held for them, and the budget ends at 10');
  t.equal(upstream.seen.length, 10);
});

t.test('the share held for writes holds across the minute: reads and the total are counted in the same minutes', async (t) => {
  const realNow = Date.now;
  const minuteStart = Math.ceil(realNow() / 60_000) * 60_000;
  let at = minuteStart;
  Date.now = () => at;
  t.teardown(() => {
    Date.now = realNow;
  });
  const { read, write } = await reserveStack(t);
  t.equal(await write(), 200, 'a write opens the minute');
  at = minuteStart + 30_000;
  t.equal(await read(), 200, 'a read half a minute later');
  at = minuteStart + 61_000;
  const reads: number[] = [];
  for (let i = 0; i < 7; i++) reads.push(await read());
  at = minuteStart + 91_000;
  for (let i = 0; i < 3; i++) reads.push(await read());
  t.same(reads, [200, 200, 200, 200, 200, 200, 200, 200, 429, 429], 'in the next minute reads get their 8, however their first call fell');
  t.same([await write(), await write(), await write()], [200, 200, 429], 'and the 2 held for writes are still there');
});
