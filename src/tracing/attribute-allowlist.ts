import type { Attributes } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace-node';

/**
 * What a span may carry out of the gateway. Instrumentations record the concrete path and the full upstream URL
 * (`url.path`, `url.full`, `url.query`): a path can hold an API key or the id of what was asked for, so only these
 * keys leave, with the route template (`http.route`) standing for the path, and the gateway's own `vtgw.*` labels.
 */
const KEPT = new Set([
  'http.request.method',
  'http.response.status_code',
  'http.route',
  'server.address',
  'server.port',
  'url.scheme',
  'network.peer.address',
  'network.peer.port',
  'error.type',
  'exception.type',
]);

function allowed(attributes: Attributes): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (KEPT.has(key) || key.startsWith('vtgw.')) kept[key] = value;
  }
  return kept;
}

function allowedEvent(event: TimedEvent): TimedEvent {
  return event.attributes === undefined ? event : { ...event, attributes: allowed(event.attributes) };
}

/** A span as exported: allowlisted attributes, and no status message (an error's message may quote the request). */
function exported(span: ReadableSpan): ReadableSpan {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: { code: span.status.code },
    attributes: allowed(span.attributes),
    links: span.links,
    events: span.events.map(allowedEvent),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** Hands spans to `inner` with only the allowlisted attributes. */
export class AllowlistExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans.map(exported), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
