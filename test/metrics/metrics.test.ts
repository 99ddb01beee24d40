import t from 'tap';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { GatewayMetrics } from '../../src/metrics/metrics.js';

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  time: '2026-12-02T06:00:00.000Z',
  requestId: 'r',
  channel: 'rest',
  clientId: 'svc',
  clientIp: '10.0.0.1',
  operation: 'listGroupUsers',
  method: 'GET',
  path: '/v1/groups/g/relationships/users',
  targets: { group: 'g' },
  outcome: 'ok',
  status: 200,
  upstreamStatus: 200,
  errorCode: null,
  durationMs: 3,
  upstreamMs: 2,
  ...over,
});

async function sample(metrics: GatewayMetrics, line: string): Promise<number | undefined> {
  const text = await metrics.registry.metrics();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

const okSvc = 'vtgw_requests_total{operation="listGroupUsers",status="200",client="svc",channel="rest",outcome="ok",gateway_code="none"}';

t.test('requests counted between scrapes are added once, whatever the number of scrapes', async (t) => {
  const metrics = new GatewayMetrics();
  for (let i = 0; i < 3; i++) metrics.observe(entry());
  t.equal(await sample(metrics, okSvc), 3);
  t.equal(await sample(metrics, okSvc), 3, 'a second scrape adds nothing');
  metrics.observe(entry());
  metrics.observe(entry());
  t.equal(await sample(metrics, okSvc), 5);
  t.equal(await sample(metrics, 'vtgw_request_duration_seconds_count{operation="listGroupUsers",channel="rest"}'), 5);
  t.equal(await sample(metrics, 'vtgw_upstream_duration_seconds_sum{operation="listGroupUsers"}'), 0.01);
});

t.test('each label set is its own series: a different status, client, channel or error code is not merged', async (t) => {
  const metrics = new GatewayMetrics();
  metrics.observe(entry());
  metrics.observe(entry({ status: 404, upstreamStatus: 404, outcome: 'upstream_error' }));
  metrics.observe(entry({ clientId: 'other' }));
  metrics.observe(entry({ channel: 'mcp' }));
  metrics.observe(entry({ clientId: null, status: 401, upstreamStatus: null, upstreamMs: null, outcome: 'unauthenticated', gatewayCode: 'GW_ERR_AUTH_REQUIRED', operation: null }));
  t.equal(await sample(metrics, okSvc), 1);
  t.equal(await sample(metrics, 'vtgw_requests_total{operation="listGroupUsers",status="404",client="svc",channel="rest",outcome="upstream_error",gateway_code="none"}'), 1);
  t.equal(await sample(metrics, 'vtgw_requests_total{operation="listGroupUsers",status="200",client="other",channel="rest",outcome="ok",gateway_code="none"}'), 1);
  t.equal(await sample(metrics, 'vtgw_requests_total{operation="listGroupUsers",status="200",client="svc",channel="mcp",outcome="ok",gateway_code="none"}'), 1);
  t.equal(await sample(metrics, 'vtgw_requests_total{operation="none",status="401",client="anonymous",channel="rest",outcome="unauthenticated",gateway_code="GW_ERR_AUTH_REQUIRED"}'), 1);
  t.equal(await sample(metrics, 'vtgw_request_duration_seconds_count{operation="listGroupUsers",channel="mcp"}'), 1);
});

t.test('requests in a row that differ in one label only are counted apart', async (t) => {
  const metrics = new GatewayMetrics();
  const svc = (over: string): string => `vtgw_requests_total{operation="listGroupUsers",${over},channel="rest",outcome="ok",gateway_code="none"}`;
  // Each differs from the one before it in one label: status, gateway code, client, outcome.
  for (const over of [{}, { status: 201 }, {}, { gatewayCode: 'GW_ERR_CALLER_GONE' }, {}, { clientId: 'other' }, { clientId: 'other' }, {}, { outcome: 'upstream_error' as const }]) {
    metrics.observe(entry(over));
  }
  t.equal(await sample(metrics, okSvc), 4);
  t.equal(await sample(metrics, svc('status="201",client="svc"')), 1);
  t.equal(await sample(metrics, svc('status="200",client="other"')), 2);
  t.equal(await sample(metrics, 'vtgw_requests_total{operation="listGroupUsers",status="200",client="svc",channel="rest",outcome="ok",gateway_code="GW_ERR_CALLER_GONE"}'), 1);
  t.equal(await sample(metrics, 'vtgw_requests_total{operation="listGroupUsers",status="200",client="svc",channel="rest",outcome="upstream_error",gateway_code="none"}'), 1);
});
