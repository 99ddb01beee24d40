import t from 'tap';
import { tracingRequested } from '../../src/tracing/enabled.js';

t.test('tracing is on only with an OTLP endpoint and without OTEL_SDK_DISABLED=true', async (t) => {
  t.equal(tracingRequested({}), false, 'nothing set');
  t.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }), false, 'a blank endpoint');
  t.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true, 'the endpoint for all signals');
  t.equal(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }), true, 'the traces endpoint');
  t.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' }), false, 'disabled');
  t.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'false' }), true, 'not disabled');
});
