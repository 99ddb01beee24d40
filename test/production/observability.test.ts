import type { AddressInfo } from 'node:net';
import t from 'tap';
import { startMetricsServer } from '../../src/metrics/metrics-server.js';
import { replyJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { pino } from 'pino';
import { createCore } from '../../src/core/core.js';
import { buildRestApp } from '../../src/rest/rest-app.js';
import { ClientRegistry } from '../../src/security/client-registry.js';
import { testConfig } from '../helpers/config.js';
import { adminClient, bearer, buildTestGateway, toClient } from '../helpers/gateway.js';

t.test('/metrics on its own port counts requests, durations, limits and upstream errors', async (t) => {
  const upstream = await startFakeUpstream(replyJson(200, { data: true }));
  t.teardown(() => upstream.close());
  const limited = { id: 'svc-metrics', token: 'vtgw_metrics-token-000000000000000000000', rateLimit: { readsPerMinute: 1 } };
  const { app, core, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl, clients: [limited] });
  const server = await startMetricsServer(core.metrics, 0, '127.0.0.1');
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;

  await app.inject({ method: 'GET', url: '/v1/groups/g', headers: auth });
  await app.inject({ method: 'GET', url: '/v1/groups/g', headers: bearer(limited.token) });
  await app.inject({ method: 'GET', url: '/v1/groups/g', headers: bearer(limited.token) });
  upstream.handle(replyJson(503, { error: { code: 'TransientError', message: 'x' } }));
  await app.inject({ method: 'GET', url: '/v1/groups/g', headers: { ...auth } });

  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /text\/plain/);
  const text = await res.text();
  t.match(text, /vtgw_requests_total\{operation="groups",status="200",client="test-admin",channel="rest",outcome="ok",gateway_code="none"\} 1/);
  t.match(text, /vtgw_requests_total\{operation="groups",status="429",client="svc-metrics",channel="rest",outcome="limited",gateway_code="GW_ERR_RATE_LIMITED"\} 1/);
  t.match(text, /vtgw_rate_limit_rejections_total\{client="svc-metrics"\} 1/);
  t.match(text, /vtgw_upstream_errors_total\{kind="status_5xx"\} \d+/);
  t.match(text, /vtgw_request_duration_seconds_bucket\{le="0\.005",operation="groups",channel="rest"\} \d+/);
  t.match(text, /vtgw_upstream_duration_seconds_count\{operation="groups"\} \d+/);
  t.match(text, /vtgw_audit_write_failures_total 0/);
  t.match(text, /vtgw_process_resident_memory_bytes/);
  t.notMatch(text, /vtgw_test|vt-test-key|Bearer/, 'no secrets in metrics');
  t.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
  t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404, 'not on the client-facing port');
});

t.test('an audit line that cannot be written turns the answer into a 503 and is counted', async (t) => {
  const upstream = await startFakeUpstream(replyJson(200, { data: 'group data that must not leave unaudited' }));
  t.teardown(() => upstream.close());
  const core = await createCore(testConfig({ vtApiBaseUrl: upstream.baseUrl, auditLogPath: '/dev/full' }), {
    log: pino({ level: 'silent' }),
    clients: ClientRegistry.fromClients([toClient(adminClient)]),
  });
  const app = await buildRestApp(core, { logger: false });
  t.teardown(async () => {
    await app.close();
    await core.close();
  });
  const res = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: bearer(adminClient.token) });
  t.equal(res.statusCode, 503);
  t.match(res.json(), { error: { code: 'TransientError', message: /audit log could not be written/ } });
  t.notMatch(res.body, /group data/, "VirusTotal's data is held back");
  t.equal((await core.metrics.auditWriteFailures.get()).values[0]?.value, 1, 'counted');
  t.equal((await app.inject('/readyz')).statusCode, 503, 'and not ready');
});

t.test('under pressure: 503 TransientError with Retry-After, nothing sent upstream', async (t) => {
  const upstream = await startFakeUpstream(replyJson(200, { data: true }));
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl, config: { maxHeapUsedBytes: 1 } });
  await app.ready();
  await new Promise((r) => setTimeout(r, 1200));
  const res = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: auth });
  t.equal(res.statusCode, 503);
  t.match(res.json(), { error: { code: 'TransientError', message: /overloaded/ } });
  t.equal(res.headers['retry-after'], '5');
  t.equal(upstream.seen.length, 0);
});

t.test('BASE_PATH: everything under the prefix, OpenAPI servers reflect it', async (t) => {
  const upstream = await startFakeUpstream(replyJson(200, { data: true }));
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl, config: { basePath: '/vt' } });
  t.equal((await app.inject({ method: 'GET', url: '/vt/v1/groups/g', headers: auth })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/v1/groups/g', headers: auth })).statusCode, 404);
  const doc = (await app.inject('/vt/openapi.json')).json() as { servers: { url: string }[]; paths: Record<string, unknown> };
  t.same(doc.servers.map((s) => s.url), ['/vt']);
  t.ok(doc.paths['/v1/groups/{id}'], 'paths stay relative to the server URL');
  t.equal((await app.inject('/vt/docs/')).statusCode, 200, 'Swagger UI under the prefix');
  t.equal(upstream.seen[0]?.url, '/api/v3/groups/g');
});
