import { Counter, Gauge, Registry, collectDefaultMetrics, type LabelValues } from 'prom-client';
import { BoundHistogram, type HistogramSeries } from './bound-histogram.js';
import type { AuditEntry } from '../audit/audit-entry.js';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const REQUEST_LABELS = ['operation', 'status', 'client', 'channel', 'outcome', 'gateway_code'] as const;
type RequestLabel = (typeof REQUEST_LABELS)[number];

/** Requests of one label set since the last scrape. */
interface RequestCount {
  readonly labels: LabelValues<RequestLabel>;
  count: number;
}

/**
 * What the requests of one operation on one channel count into, found by two lookups on strings the catalog and
 * the channels hold (hashed once), so that no request builds a label key: its duration series, its operation's
 * upstream series, and its request counts, the last one used first.
 */
class OperationSeries {
  private readonly counts = new Map<string, RequestCount>();
  private last: RequestCount | null = null;

  constructor(
    private readonly operation: string,
    private readonly channel: string,
    readonly duration: HistogramSeries<'operation' | 'channel'>,
    readonly upstream: HistogramSeries<'operation'>,
    private readonly pending: RequestCount[],
  ) {}

  /** Adds one request to the count of its label set. */
  count(status: number, client: string, outcome: string, gatewayCode: string): void {
    const last = this.last;
    if (last !== null) {
      const { labels } = last;
      if (labels.status === status && labels.client === client && labels.outcome === outcome && labels.gateway_code === gatewayCode) {
        last.count++;
        return;
      }
    }
    // Client ids are unique and none holds a newline (clients-file.ts), so the key names one label set.
    const key = `${status}\n${client}\n${outcome}\n${gatewayCode}`;
    let found = this.counts.get(key);
    if (found === undefined) {
      const labels = { operation: this.operation, status, client, channel: this.channel, outcome, gateway_code: gatewayCode };
      found = { labels, count: 0 };
      this.counts.set(key, found);
      this.pending.push(found);
    }
    found.count++;
    this.last = found;
  }
}

/**
 * The gateway's Prometheus metrics. Requests are counted from their audit entry, so the metrics and the audit
 * log can never disagree about what happened.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  /** Every label set's requests since the last scrape, added to the counter when it is collected. */
  private readonly requestCounts: RequestCount[] = [];
  private readonly series = new Map<string, Map<string, OperationSeries>>();
  private readonly upstreamSeries = new Map<string, HistogramSeries<'operation'>>();
  private readonly requests: Counter<RequestLabel> = new Counter({
    name: 'vtgw_requests_total',
    help: 'Requests by operation, status, client, channel, outcome and gateway error code (none when VirusTotal answered).',
    labelNames: REQUEST_LABELS,
    registers: [this.registry],
    collect: (): void => {
      for (const pending of this.requestCounts) {
        if (pending.count === 0) continue;
        this.requests.inc(pending.labels, pending.count);
        pending.count = 0;
      }
    },
  });
  private readonly duration = new BoundHistogram({
    name: 'vtgw_request_duration_seconds',
    help: 'Time from request to response headers, by operation and channel.',
    labelNames: ['operation', 'channel'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly upstreamDuration = new BoundHistogram({
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

  observe(entry: AuditEntry): void {
    const series = this.seriesOf(entry.operation ?? 'none', entry.channel);
    series.count(entry.status, entry.clientId ?? 'anonymous', entry.outcome, entry.gatewayCode ?? 'none');
    series.duration.observe(entry.durationMs / 1000);
    if (entry.upstreamMs !== null) series.upstream.observe(entry.upstreamMs / 1000);
    if (entry.outcome === 'limited') this.rateLimited.inc({ client: entry.clientId ?? 'anonymous' });
    const kind = upstreamErrorKind(entry);
    if (kind !== undefined) this.upstreamErrors.inc({ kind });
  }

  private seriesOf(operation: string, channel: string): OperationSeries {
    let byChannel = this.series.get(operation);
    if (byChannel === undefined) {
      byChannel = new Map();
      this.series.set(operation, byChannel);
    }
    let series = byChannel.get(channel);
    if (series === undefined) {
      let upstream = this.upstreamSeries.get(operation);
      if (upstream === undefined) {
        upstream = this.upstreamDuration.series({ operation });
        this.upstreamSeries.set(operation, upstream);
      }
      series = new OperationSeries(operation, channel, this.duration.series({ operation, channel }), upstream, this.requestCounts);
      byChannel.set(channel, series);
    }
    return series;
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
