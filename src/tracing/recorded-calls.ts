import type { AuditEntry } from '../audit/audit-entry.js';

type Listener = (entry: AuditEntry) => void;

let listener: Listener | null = null;

/**
 * Tracing learns of each call from its audit entry, at the moment the entry is made and in the call's own async
 * context (its request span is the active one). Without tracing nobody listens, and the gateway imports nothing of
 * OpenTelemetry for this.
 */
export function onCallRecorded(next: Listener): void {
  listener = next;
}

export function callRecorded(entry: AuditEntry): void {
  listener?.(entry);
}
