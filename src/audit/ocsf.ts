/**
 * An audit line as an OCSF API Activity event (class_uid 6003, category 6 Application Activity), schema 1.3.0:
 * activity create / read / update / delete from the HTTP method, actor = the client, api.operation = the catalog
 * operation, src_endpoint = the caller's address, status from the outcome, resources = the targets, and what OCSF
 * has no place for (the change, the people, the chain fields) under `unmapped`.
 */
import { version } from '../version.js';
import type { AuditRecord } from './records.js';

export const OCSF_VERSION = '1.3.0';

const ACTIVITY: Record<string, { id: number; name: string }> = {
  POST: { id: 1, name: 'Create' },
  GET: { id: 2, name: 'Read' },
  PATCH: { id: 3, name: 'Update' },
  PUT: { id: 3, name: 'Update' },
  DELETE: { id: 4, name: 'Delete' },
};
const OTHER = { id: 99, name: 'Other' };

/** Severity: Informational for what went through, Low for refusals, Medium for a change VirusTotal refused or a failure. */
function severityOf(record: AuditRecord): { id: number; name: string } {
  if (record.outcome === 'ok' || record.outcome === 'intent') return { id: 1, name: 'Informational' };
  if (record.outcome === 'failed' || (record.outcome === 'upstream_error' && record.method !== 'GET')) return { id: 3, name: 'Medium' };
  return { id: 2, name: 'Low' };
}

export function ocsfApiActivity(record: AuditRecord, logName: string): Record<string, unknown> {
  const activity = ACTIVITY[record.method] ?? OTHER;
  const severity = severityOf(record);
  const ok = record.outcome === 'ok';
  const status = record.outcome === 'intent' ? { status_id: 0, status: 'Unknown' } : ok ? { status_id: 1, status: 'Success' } : { status_id: 2, status: 'Failure' };
  return {
    class_uid: 6003,
    class_name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: 600300 + activity.id,
    type_name: `API Activity: ${activity.name}`,
    severity_id: severity.id,
    severity: severity.name,
    time: Date.parse(record.time),
    ...status,
    status_code: String(record.status),
    ...(record.errorCode === null ? {} : { status_detail: record.errorCode }),
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'vt-access-gateway', vendor_name: 'vt-access-gateway', version },
      uid: record.hash,
      correlation_uid: record.requestId,
      original_time: record.time,
      log_name: logName,
    },
    actor: {
      user: record.clientId === null ? { name: 'unauthenticated', type_id: 0, type: 'Unknown' } : { uid: record.clientId, name: record.clientId, type_id: 3, type: 'System' },
    },
    api: {
      operation: record.operation ?? `${record.method} ${record.path}`,
      service: { name: 'VirusTotal API v3' },
      request: { uid: record.requestId },
      response: { code: record.status, ...(record.errorCode === null ? {} : { error: record.errorCode }) },
    },
    src_endpoint: { ip: record.clientIp },
    http_request: { http_method: record.method, url: { path: record.path } },
    resources: Object.entries(record.targets).map(([type, uid]) => ({ type, uid })),
    unmapped: {
      outcome: record.outcome,
      channel: record.channel,
      upstreamStatus: record.upstreamStatus,
      ...(record.change === undefined ? {} : { change: record.change }),
      ...(record.people === undefined ? {} : { people: record.people }),
      ...(record.gatewayCode === undefined ? {} : { gatewayCode: record.gatewayCode }),
      prevHash: record.prevHash,
      hash: record.hash,
    },
  };
}
