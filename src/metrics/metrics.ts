import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type LabelValues } from 'prom-client';
import type { AuditEntry } from '../audit/audit-entry.js';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Counts of label sets kept in a plain map and added to their prom-client counter when it is collected (a scrape):
 * prom-client checks and hashes every label on each inc(), a third of a microsecond per request for six labels.
 */
class DeferredCounts<T extends string> {
  private readonly pending = new Map<string, { labels: LabelValues<T>; count: number }>();

  /** One more of the label set that `key` names uniquely; false when the key is new (then `begin` it). */
  increment(key: string): boolean {
    const known = this.pending.get(key);
    if (known !== undefined) known.count++;
    return known !== undefined;
  }

  /** The first of a label set: its labels are built only now, not on every request. */
  begin(key: string, labels: LabelValues<T>): void {
    this.pending.set(key, { labels, count: 1 });
  }

  drainInto(counter: Counter<T>): void {
    for (const entry of this.pending.values()) {
      if (entry.count === 0) continue;
      counter.inc(entry.labels, entry.count);
      entry.count = 0;
    }
  }
}

/** A histogram's children by a key naming their label values: labels are checked and bound once per label set. */
class HistogramChildren<T extends string> {
  private readonly children = new Map<string, { observe(value: number): void }>();

  constructor(private readonly histogram: Histogram<T>) {}

  get(key: string): { observe(value: number): void } | undefined {
    return this.children.get(key);
  }

  /** The child of a label set seen for the first time: its labels are built only now, not on every request. */
  bind(key: string, labels: LabelValues<T>): { observe(value: number): void } {
    const child = this.histogram.labels(labels);
    this.children.set(key, child);
    return child;
  }
}

const REQUEST_LABELS = ['operation', 'status', 'client', 'channel', 'outcome', 'gateway_code'] as const;
type RequestLabel = (typeof REQUEST_LABELS)[number];

/**
 * The gateway's Prometheus metrics. Requests are counted from their audit entry, so the metrics and the audit
 * log can never disagree about what happened.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requestCounts = new DeferredCounts<RequestLabel>();
  private readonly requests: Counter<RequestLabel> = new Counter({
    name: 'vtgw_requests_total',
    help: 'Requests by operation, status, client, channel, outcome and gateway error code (none when VirusTotal answered).',
    labelNames: REQUEST_LABELS,
    registers: [this.registry],
    collect: (): void => this.requestCounts.drainInto(this.requests),
  });
  private readonly duration = new Histogram({
    name: 'vtgw_request_duration_seconds',
    help: 'Time from request to response headers, by operation and channel.',
    labelNames: ['operation', 'channel'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly upstreamDuration = new Histogram({
    name: 'vtgw_upstream_duration_seconds',
    help: "Time to VirusTotal's response headers, by operation.",
    labelNames: ['operation'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'vtgw_rate_limit_rejections_total',
    help: 'Requests refused by a rate limit, by client.',
    labelNames: ['client'] as const,
    registers: [this.registry],
  });
  private readonly upstreamErrors = new Counter({
    name: 'vtgw_upstream_errors_total',
    help: 'Upstream failures by kind: unreachable, bad_response (redirect, oversize, broken body), timeout, circuit_open, status_5xx, status_429.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly auditWriteFailures = new Counter({
    name: 'vtgw_audit_write_failures_total',
    help: 'Audit lines that could not be written (the request was answered 503 instead).',
    registers: [this.registry],
  });

  readonly httpParserRefusals = new Counter({
    name: 'vtgw_http_parser_refusals_total',
    help: "Connections refused by Node's HTTP parser (over-long head, malformed request) before any request existed: never audited.",
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly anonymousUnrecorded = new Counter({
    name: 'vtgw_anonymous_refusals_unrecorded_total',
    help: 'Unauthenticated requests refused 429 over the per-address limit after the first refusal of the minute: counted here, not audited one by one.',
    registers: [this.registry],
  });
  /** Free bytes of the audit file's volume, read at each scrape; absent when the audit log is stdout. */
  watchAuditVolume(freeBytes: () => number | null): void {
    new Gauge({
      name: 'vtgw_audit_volume_free_bytes',
      help: "Bytes available to the gateway on the audit file's volume (statfs).",
      registers: [this.registry],
      collect() {
        const free = freeBytes();
        if (free !== null) this.set(free);
      },
    });
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'vtgw_' });
  }

  private readonly durations = new HistogramChildren(this.duration);
  private readonly upstreamDurations = new HistogramChildren(this.upstreamDuration);

  observe(entry: AuditEntry): void {
    const operation = entry.operation ?? 'none';
    const client = entry.clientId ?? 'anonymous';
    const gatewayCode = entry.gatewayCode ?? 'none';
    // Client ids are unique and none holds a newline (clients-file.ts), so the key names one label set.
    const key = `${operation}\n${entry.status}\n${client}\n${entry.channel}\n${entry.outcome}\n${gatewayCode}`;
    if (!this.requestCounts.increment(key)) {
      this.requestCounts.begin(key, { operation, status: entry.status, client, channel: entry.channel, outcome: entry.outcome, gateway_code: gatewayCode });
    }
    const durationKey = `${operation}\n${entry.channel}`;
    const duration = this.durations.get(durationKey) ?? this.durations.bind(durationKey, { operation, channel: entry.channel });
    duration.observe(entry.durationMs / 1000);
    if (entry.upstreamMs !== null) {
      const upstream = this.upstreamDurations.get(operation) ?? this.upstreamDurations.bind(operation, { operation });
      upstream.observe(entry.upstreamMs / 1000);
    }
    if (entry.outcome === 'limited') this.rateLimited.inc({ client: entry.clientId ?? 'anonymous' });
    const kind = upstreamErrorKind(entry);
    if (kind !== undefined) this.upstreamErrors.inc({ kind });
  }
}

const UPSTREAM_ERROR_KIND: Readonly<Record<string, string>> = {
  GW_ERR_UPSTREAM_UNREACHABLE: 'unreachable',
  GW_ERR_UPSTREAM_BAD_RESPONSE: 'bad_response',
  GW_ERR_UPSTREAM_TIMEOUT: 'timeout',
  GW_ERR_CIRCUIT_OPEN: 'circuit_open',
};

function upstreamErrorKind(entry: AuditEntry): string | undefined {
  if (entry.gatewayCode !== undefined) return UPSTREAM_ERROR_KIND[entry.gatewayCode];
  if (entry.upstreamStatus === null) return undefined;
  if (entry.upstreamStatus === 429) return 'status_429';
  if (entry.upstreamStatus >= 500) return 'status_5xx';
  return undefined;
}
