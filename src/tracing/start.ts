import { trace } from '@opentelemetry/api';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { AuditEntry } from '../audit/audit-entry.js';
import { version } from '../version.js';
import { AllowlistExporter } from './attribute-allowlist.js';
import { InboundOnlyPropagator } from './inbound-only-propagator.js';
import { onCallRecorded } from './recorded-calls.js';
import { onTracingShutdown } from './shutdown.js';

/** Probes answer many times a minute and say nothing of a call. */
const PROBE = /^\/(healthz|readyz|metrics)(\/|\?|$)/;

/** The request span's labels from the call's audit entry: what was asked, by whom, how it ended. Never a path or body. */
function labelRequestSpan(entry: AuditEntry): void {
  const span = trace.getActiveSpan();
  if (span === undefined) return;
  span.setAttribute('vtgw.request_id', entry.requestId);
  span.setAttribute('vtgw.channel', entry.channel);
  span.setAttribute('vtgw.outcome', entry.outcome);
  if (entry.operation !== null) span.setAttribute('vtgw.operation', entry.operation);
  if (entry.clientId !== null) span.setAttribute('vtgw.client.id', entry.clientId);
  if (entry.upstreamStatus !== null) span.setAttribute('vtgw.upstream.status_code', entry.upstreamStatus);
  if (entry.gatewayCode !== undefined) span.setAttribute('vtgw.error.code', entry.gatewayCode);
}

/** Sets up the tracer provider and the Fastify and undici instrumentations; OTEL_* variables configure the exporter. */
export function startTracing(): void {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'vt-access-gateway', 'service.version': version }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new AllowlistExporter(new OTLPTraceExporter()))],
  });
  provider.register({ propagator: new InboundOnlyPropagator() });
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        // One span per request; a span per hook would cost more than the request itself.
        instrumentHooks: false,
        instrumentHandler: false,
        ignorePaths: ({ url }) => PROBE.test(url),
        requestHook: (span, request) => span.updateName(`${request.method} ${request.routeOptions.url ?? '(no route)'}`),
      }),
      new UndiciInstrumentation(),
    ],
  });
  onCallRecorded(labelRequestSpan);
  onTracingShutdown(() => provider.shutdown());
}
