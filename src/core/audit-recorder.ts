import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import { auditEntryOf, type CallRecord } from './call-record.js';

/**
 * The one path from a finished call to the audit log, for every channel: the line is group-committed, and metrics
 * and readiness learn of each write and each failure here.
 */
export class AuditRecorder {
  #lastWriteFailed = false;

  constructor(
    private readonly audit: AuditLog,
    private readonly metrics: GatewayMetrics,
    private readonly log: Logger,
  ) {}

  /** False after a failed write until a write succeeds, or while the log cannot be written at all. */
  get healthy(): boolean {
    return !this.#lastWriteFailed && this.audit.isWritable();
  }

  record(call: CallRecord, status: number, done: (err: Error | null) => void): void {
    const entry = auditEntryOf(call, status);
    this.audit.enqueue(entry, (err) => {
      if (err === null) {
        this.#lastWriteFailed = false;
        this.metrics.observe(entry);
      } else {
        this.#lastWriteFailed = true;
        this.metrics.auditWriteFailures.inc();
        this.log.error({ err, requestId: call.requestId }, 'audit write failed');
      }
      done(err);
    });
  }
}
