import { propagation, ROOT_CONTEXT, SpanStatusCode, trace, type TextMapGetter } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import t from 'tap';
import { AllowlistExporter } from '../../src/tracing/attribute-allowlist.js';
import { InboundOnlyPropagator } from '../../src/tracing/inbound-only-propagator.js';

const KEY = 'a'.repeat(64);

t.test('only allowlisted attributes and no status message leave the process', async (t) => {
  const memory = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new AllowlistExporter(memory))] });
  t.teardown(() => provider.shutdown());
  const span = provider.getTracer('test').startSpan('GET /v1/users/:id', {
    attributes: {
      'http.route': '/v1/users/:id',
      'http.request.method': 'GET',
      'url.path': `/v1/users/${KEY}`,
      'url.full': `https://www.virustotal.com/api/v3/users/${KEY}`,
      'url.query': '?cursor=secret',
      'user_agent.original': 'caller',
      'vtgw.client.id': 'svc-a',
    },
  });
  span.setStatus({ code: SpanStatusCode.ERROR, message: `failed for /v1/users/${KEY}` });
  span.recordException(new Error(`no user ${KEY}`));
  span.end();

  const [exported] = memory.getFinishedSpans();
  t.same(exported?.attributes, { 'http.route': '/v1/users/:id', 'http.request.method': 'GET', 'vtgw.client.id': 'svc-a' });
  t.same(exported?.status, { code: SpanStatusCode.ERROR }, 'the status code without its message');
  t.same(exported?.events.map((e) => e.attributes), [{ 'exception.type': 'Error' }], 'an exception keeps its type only');
  t.equal(exported?.spanContext().spanId, span.spanContext().spanId, 'the same span');
  t.notOk(JSON.stringify(exported).includes(KEY));
});

t.test("a caller's W3C trace is continued, and nothing is injected into outgoing requests", async (t) => {
  const propagator = new InboundOnlyPropagator();
  const getter: TextMapGetter<Record<string, string>> = { keys: (c) => Object.keys(c), get: (c, k) => c[k] };
  const extracted = propagator.extract(ROOT_CONTEXT, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', baggage: 'k=v' }, getter);
  t.equal(trace.getSpanContext(extracted)?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  t.equal(propagation.getBaggage(extracted), undefined, 'baggage is not taken in');

  const carrier: Record<string, string> = {};
  propagator.inject(extracted, carrier, { set: (c, k, v) => (c[k] = v) });
  t.same(carrier, {}, 'no traceparent, tracestate or baggage written');
  t.same(propagator.fields(), []);
});
