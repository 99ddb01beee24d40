import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import t from 'tap';
import { writeClientsFile } from '../helpers/clients-file.js';
import { TEST_VT_KEY } from '../helpers/config.js';
import { replyJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { spawnGateway } from '../helpers/gateway-process.js';
import { buildGatewayInto } from './built-gateway.js';
import { attribute, SPAN_KIND_CLIENT, SPAN_KIND_SERVER, startOtlpReceiver, type OtlpSpan } from './otlp-receiver.js';

/*
 * The gateway as `npm start` runs it (`node --import ./dist/tracing/register.js dist/server.js`), exporting to a local
 * OTLP/HTTP receiver, in front of a stand-in for VirusTotal that records what it was sent.
 */

const TOKEN = 'vtgw_tracing-test-token-00000000000000000000000000000';
const CLIENT_ID = 'svc-traced';
const GROUP = 'secret-group-7f3a';
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const recordImports = fileURLToPath(new URL('../helpers/record-imports.mjs', import.meta.url));

const built = buildGatewayInto(mkdtempSync(join(tmpdir(), 'vtgw-tracing-')));
t.teardown(() => rmSync(built, { recursive: true, force: true }));
const register = pathToFileURL(join(built, 'dist/tracing/register.js')).href;
const server = join(built, 'dist/server.js');

async function gatewayEnv(dir: string, upstreamUrl: string): Promise<Record<string, string>> {
  return {
    VT_API_BASE_URL: upstreamUrl,
    VIRUSTOTAL_API_KEY: TEST_VT_KEY,
    GATEWAY_CLIENTS_FILE: writeClientsFile(dir, TOKEN, CLIENT_ID),
    AUDIT_LOG_PATH: join(dir, 'audit.log'),
  };
}

t.test('a traced call continues the caller trace, with the upstream call as its child, and tells VirusTotal nothing', async (t) => {
  const upstream = await startFakeUpstream(replyJson(200, { data: { id: GROUP, type: 'group' } }));
  t.teardown(() => upstream.close());
  const receiver = await startOtlpReceiver();
  t.teardown(() => receiver.close());
  const dir = t.testdir();
  const gateway = await spawnGateway(
    { ...(await gatewayEnv(dir, upstream.baseUrl)), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '50' },
    { nodeArgs: ['--import', register, server] },
  );
  t.teardown(() => gateway.stop());

  const res = await fetch(`${gateway.url}/v1/groups/${GROUP}`, {
    headers: {
      authorization: `Bearer ${TOKEN}`,
      traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
      tracestate: 'caller=opaque-state',
      baggage: 'tenant=caller-secret',
    },
  });
  t.equal(res.status, 200);
  await res.arrayBuffer();

  // The gateway also asks VirusTotal who owns its key at start-up: those calls are traces of their own.
  const inCallerTrace = (spans: OtlpSpan[], kind: number): OtlpSpan[] => spans.filter((s) => s.kind === kind && s.traceId === CALLER_TRACE);
  await receiver.waitFor((spans) => inCallerTrace(spans, SPAN_KIND_SERVER).length > 0 && inCallerTrace(spans, SPAN_KIND_CLIENT).length > 0);
  const serverSpans = receiver.spans.filter((s) => s.kind === SPAN_KIND_SERVER);
  const clientSpans = inCallerTrace(receiver.spans, SPAN_KIND_CLIENT);
  t.equal(serverSpans.length, 1, 'one server span (health probes are not traced)');
  t.equal(clientSpans.length, 1, "one client span in the caller's trace: the call to VirusTotal");
  const request = serverSpans[0] as OtlpSpan;
  const upstreamCall = clientSpans[0] as OtlpSpan;

  t.equal(request.traceId, CALLER_TRACE, "the server span continues the caller's trace");
  t.equal(request.parentSpanId, CALLER_SPAN, "the caller's span is its parent");
  t.equal(upstreamCall.traceId, CALLER_TRACE, 'the upstream span is in the same trace');
  t.equal(upstreamCall.parentSpanId, request.spanId, 'the upstream span is a child of the server span');

  t.equal(request.name, 'GET /v1/groups/:id', 'the server span is named by method and route template');
  t.equal(attribute(request, 'http.route'), '/v1/groups/:id', 'route template, not the path');
  t.equal(attribute(request, 'http.response.status_code'), 200);
  t.equal(attribute(request, 'vtgw.operation'), 'groups');
  t.equal(attribute(request, 'vtgw.client.id'), CLIENT_ID);
  t.equal(attribute(request, 'vtgw.outcome'), 'ok');
  t.equal(attribute(request, 'vtgw.upstream.status_code'), 200);
  t.equal(attribute(upstreamCall, 'http.response.status_code'), 200);
  t.equal(attribute(upstreamCall, 'http.request.method'), 'GET');

  for (const body of receiver.bodies) {
    t.notOk(body.includes(TOKEN), 'no client token in what was exported');
    t.notOk(body.includes(TEST_VT_KEY), 'no VirusTotal key in what was exported');
    t.notOk(body.includes(GROUP), 'no concrete path or id in what was exported');
    t.notOk(body.includes('caller-secret'), "no caller's baggage");
  }

  const call = upstream.seen.filter((r) => r.url.endsWith(`/groups/${GROUP}`));
  t.equal(call.length, 1, 'the call reached VirusTotal once');
  const sent = call[0]?.headers ?? {};
  t.equal(sent['x-apikey'], TEST_VT_KEY, 'the call reached VirusTotal with the key (the check below looks at the right request)');
  t.same(
    ['traceparent', 'tracestate', 'baggage'].filter((h) => h in sent),
    [],
    'VirusTotal saw no traceparent, tracestate or baggage',
  );
});

t.test('without an OTLP endpoint, or with OTEL_SDK_DISABLED=true, the process loads no OpenTelemetry module', async (t) => {
  const upstream = await startFakeUpstream(replyJson(200, { data: { id: GROUP, type: 'group' } }));
  t.teardown(() => upstream.close());
  const cases: [string, Record<string, string>, boolean][] = [
    ['no endpoint', {}, false],
    ['OTEL_SDK_DISABLED=true', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SDK_DISABLED: 'true' }, false],
    // The control: the same recording sees OpenTelemetry when tracing is on.
    ['traces endpoint set', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9/v1/traces' }, true],
  ];
  for (const [name, otel, loads] of cases) {
    const dir = t.testdir();
    const imports = join(dir, 'imports.txt');
    writeFileSync(imports, '');
    const env: Record<string, string> = { ...(await gatewayEnv(dir, upstream.baseUrl)), ...otel, RECORD_IMPORTS_FILE: imports };
    // The runner's own environment must not switch tracing on or off for the child.
    for (const key of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_SDK_DISABLED']) env[key] ??= '';
    const gateway = await spawnGateway(env, { nodeArgs: ['--import', pathToFileURL(recordImports).href, '--import', register, server] });
    const res = await fetch(`${gateway.url}/v1/groups/${GROUP}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    t.equal(res.status, 200, `${name}: the gateway serves`);
    await gateway.stop();
    const loaded = readFileSync(imports, 'utf8').split('\n');
    t.ok(loaded.some((url) => url.endsWith('/dist/server.js')), `${name}: the recording saw the gateway load`);
    const otelModules = loaded.filter((url) => /\/node_modules\/(@opentelemetry|@fastify\/otel)\//.test(url));
    if (loads) t.not(otelModules.length, 0, `${name}: OpenTelemetry is loaded`);
    else t.same(otelModules, [], `${name}: no OpenTelemetry module is loaded`);
  }
});

t.test('a graceful stop exports the spans still batched: none is lost to the exit', async (t) => {
  const upstream = await startFakeUpstream(replyJson(200, { data: { id: GROUP, type: 'group' } }));
  t.teardown(() => upstream.close());
  const receiver = await startOtlpReceiver();
  t.teardown(() => receiver.close());
  const gateway = await spawnGateway(
    // A batch delay far beyond the test: only the flush at shutdown can export the span.
    { ...(await gatewayEnv(t.testdir(), upstream.baseUrl)), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '600000' },
    { nodeArgs: ['--import', register, server] },
  );
  const res = await fetch(`${gateway.url}/v1/groups/${GROUP}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  t.equal(res.status, 200);
  await res.arrayBuffer();
  t.equal(receiver.spans.filter((s) => s.kind === SPAN_KIND_SERVER).length, 0, 'nothing exported while running');
  t.equal(await gateway.stop('SIGTERM'), 0, 'the gateway exits cleanly');
  t.equal(receiver.spans.filter((s) => s.kind === SPAN_KIND_SERVER).length, 1, 'the request span reached the collector before the exit');
});
