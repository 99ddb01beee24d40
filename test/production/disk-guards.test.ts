import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import t from 'tap';
import { buildRestApp } from '../../src/rest/rest-app.js';
import { startStack } from '../helpers/stack.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';

t.test("the audit volume's free space is a metric and a readiness check", async (t) => {
  const stack = await startStack(t, { config: { auditMinFreeBytes: Number.MAX_SAFE_INTEGER } });
  const res = await fetch(`${stack.url}/readyz`);
  t.equal(res.status, 503, 'not ready: less free space than AUDIT_MIN_FREE_BYTES');
  t.match(await res.text(), /audit volume has \d+ bytes free/);
  const gauge = (await stack.core.metrics.registry.getSingleMetricAsString('vtgw_audit_volume_free_bytes')) ?? '';
  t.match(gauge, /^vtgw_audit_volume_free_bytes [1-9]\d*$/m, 'the free bytes are exported');

  const roomy = await startStack(t, { config: { auditMinFreeBytes: 1 } });
  t.equal((await fetch(`${roomy.url}/readyz`)).status, 200);
});

t.test('the operational log does not repeat every request', async (t) => {
  const stack = await startStack(t);
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const app = await buildRestApp(stack.core, { logger: pino({ level: 'info' }, sink) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => app.close());
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  for (let i = 0; i < 20; i++) {
    await (await fetch(`${url}/v1/groups/my_group_id`, { headers: stack.auth })).arrayBuffer();
    await (await fetch(`${url}/no/such/${i}`)).arrayBuffer();
  }
  t.same(
    lines.filter((line) => line.includes('"reqId"')),
    [],
    'no line per request at info (the audit log is the record of requests)',
  );
});

t.test('refusals of static files are audited, so they count against the anonymous limit like any other', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app, auditLines } = await buildTestGateway(t, { upstream: upstream.baseUrl, config: { anonymousRequestsPerMinute: 2 } });
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await app.inject({ method: 'GET', url: `/docs/static/no-such-file-${i}.js` })).statusCode);
  t.same(statuses, [404, 404, 429, 429, 429], 'the third refusal from the same address is over the limit');
  t.equal(auditLines().length, 3, 'two refusals and the first over-limit one are on the record; the rest are counted');
});
