import t from 'tap';
import { Histogram, Registry, type RegistryContentType } from 'prom-client';
import { BoundHistogram } from '../../src/metrics/bound-histogram.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 1];
// On a bound, between bounds, below the first, above the last, and repeated.
const VALUES = [0.005, 0.0051, 0.001, 0.05, 0.2, 7, 1, 0.01, 0.01, 0.0249];

/** prom-client's own histogram and a BoundHistogram, each in its own registry, fed the same observations. */
function twins(contentType: RegistryContentType = Registry.PROMETHEUS_CONTENT_TYPE): {
  plain: Registry<RegistryContentType>;
  bound: Registry<RegistryContentType>;
  histogram: BoundHistogram<'operation' | 'channel'>;
} {
  const plain = new Registry<RegistryContentType>();
  const bound = new Registry<RegistryContentType>();
  plain.setContentType(contentType);
  bound.setContentType(contentType);
  const config = { name: 'vtgw_test_seconds', help: 'A test.', labelNames: ['operation', 'channel'] as const, buckets: BUCKETS };
  const reference = new Histogram({ ...config, registers: [plain] });
  const histogram = new BoundHistogram({ ...config, registers: [bound] });
  // Bound in the order of their first observation, as GatewayMetrics binds them: prom-client writes that order.
  const mcp = histogram.series({ operation: 'listGroupUsers', channel: 'mcp' });
  const rest = histogram.series({ operation: 'listGroupUsers', channel: 'rest' });
  histogram.series({ operation: 'neverCalled', channel: 'rest' });
  VALUES.forEach((value, i) => {
    const channel = i % 3 === 0 ? 'mcp' : 'rest';
    reference.observe({ operation: 'listGroupUsers', channel }, value);
    (channel === 'mcp' ? mcp : rest).observe(value);
  });
  return { plain, bound, histogram };
}

t.test('the text a scrape gets is the text prom-client writes for the same observations', async (t) => {
  const { plain, bound } = twins();
  const expected = await plain.metrics();
  t.match(expected, /vtgw_test_seconds_bucket\{le="0.005",operation="listGroupUsers",channel="rest"\} 1/);
  t.equal(await bound.metrics(), expected);
  t.notMatch(await bound.metrics(), /neverCalled/, 'a series without observations is not written, as in prom-client');
});

t.test('the JSON form (get) is prom-client\'s too', async (t) => {
  const { plain, bound } = twins();
  t.same(await bound.getMetricsAsJSON(), await plain.getMetricsAsJSON());
});

t.test('the OpenMetrics text is prom-client\'s too', async (t) => {
  const { plain, bound } = twins(Registry.OPENMETRICS_CONTENT_TYPE);
  t.equal(await bound.metrics(), await plain.metrics());
});

t.test('resetting the registry empties every bound series; observing goes on from zero', async (t) => {
  const { bound, histogram } = twins();
  bound.resetMetrics();
  t.notMatch(await bound.metrics(), /vtgw_test_seconds_count/);
  histogram.series({ operation: 'x', channel: 'rest' }).observe(0.02);
  const text = await bound.metrics();
  t.match(text, /vtgw_test_seconds_bucket\{le="0.01",operation="x",channel="rest"\} 0\n/);
  t.match(text, /vtgw_test_seconds_bucket\{le="0.025",operation="x",channel="rest"\} 1\n/);
  t.match(text, /vtgw_test_seconds_sum\{operation="x",channel="rest"\} 0.02\n/);
});

t.test('a value that is not a finite number is ignored, not thrown: the series stays readable', async (t) => {
  const bound = new Registry();
  const histogram = new BoundHistogram({ name: 'vtgw_odd_seconds', help: 'A test.', labelNames: ['operation'] as const, buckets: BUCKETS, registers: [bound] });
  const series = histogram.series({ operation: 'x' });
  series.observe(Number.NaN);
  series.observe(Infinity);
  series.observe(0.2);
  const text = await bound.metrics();
  t.match(text, /vtgw_odd_seconds_count\{operation="x"\} 1\n/);
  t.match(text, /vtgw_odd_seconds_sum\{operation="x"\} 0.2\n/);
});
