import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * Continues a caller's W3C trace (`traceparent`, `tracestate`) and tells nobody outside: the gateway's one outbound
 * peer is VirusTotal, which is not part of anyone's trace and must not learn the caller's trace ids, state or baggage.
 * The undici instrumentation injects through the global propagator, so injecting nothing here keeps them off the wire.
 */
export class InboundOnlyPropagator implements TextMapPropagator {
  private readonly w3c = new W3CTraceContextPropagator();

  inject(_context: Context, _carrier: unknown, _setter: TextMapSetter): void {}

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return this.w3c.extract(context, carrier, getter);
  }

  fields(): string[] {
    return [];
  }
}
