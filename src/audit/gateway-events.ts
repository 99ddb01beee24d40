/**
 * What the gateway does to its own rules, on the audit record as lines of their own kind: `channel` "gateway",
 * `operation` the event (start, clientsReload, keyRotated, keyOwnerResolved, retentionRemoved), `change` what changed. They are chained and checkpointed
 * like every other line; they are not requests (status 0, no client, no address).
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '../security/client.js';
import type { AuditEntry } from './audit-entry.js';

export type GatewayEventKind = 'start' | 'clientsReload' | 'keyRotated' | 'keyOwnerResolved' | 'retentionRemoved';

export function gatewayEvent(kind: GatewayEventKind, change: Record<string, unknown>, now = new Date()): AuditEntry {
  return {
    time: now.toISOString(),
    requestId: `gateway-${randomUUID()}`,
    channel: 'gateway',
    clientId: null,
    clientIp: '',
    operation: kind,
    method: '-',
    path: '',
    targets: {},
    change,
    outcome: 'ok',
    status: 0,
    upstreamStatus: null,
    errorCode: null,
    durationMs: 0,
    upstreamMs: null,
  };
}

type Clients = ReadonlyMap<string, Client & { tokenSha256?: string; oidcSubject?: string }>;

/**
 * What a clients-file reload changed: ids added and removed, and per kept id the scopes, groups, threat profiles
 * and rate limits before and after, the OIDC subject it is bound to, and a rotated token by the first 12 hex digits
 * of its digest (never the token). Clients without a token (signed tokens, trusted header) are compared alike.
 */
export function clientsChange(before: Clients, after: Clients): Record<string, unknown> {
  const added = [...after.keys()].filter((id) => !before.has(id)).sort();
  const removed = [...before.keys()].filter((id) => !after.has(id)).sort();
  const changed: Record<string, unknown>[] = [];
  for (const [id, now] of after) {
    const was = before.get(id);
    if (was === undefined) continue;
    const diff: Record<string, unknown> = {};
    for (const field of ['scopes', 'groups', 'threatProfiles'] as const) {
      const [from, to] = [listOf(was[field]), listOf(now[field])];
      if (JSON.stringify(from) !== JSON.stringify(to)) diff[field] = { from, to };
    }
    if (JSON.stringify(was.rateLimit ?? {}) !== JSON.stringify(now.rateLimit ?? {})) diff.rateLimit = { from: was.rateLimit ?? {}, to: now.rateLimit ?? {} };
    if (was.tokenSha256 !== now.tokenSha256) diff.token = { from: fingerprint(was.tokenSha256), to: fingerprint(now.tokenSha256) };
    if (was.oidcSubject !== now.oidcSubject) diff.oidcSubject = { from: was.oidcSubject ?? null, to: now.oidcSubject ?? null };
    if (Object.keys(diff).length > 0) changed.push({ id, ...diff });
  }
  return { clients: after.size, added, removed, changed };
}

function listOf(value: ReadonlySet<string> | 'all'): string[] | '*' {
  return value === 'all' ? '*' : [...value].sort();
}

function fingerprint(digests: string | undefined): string | null {
  return digests === undefined ? null : digests.split(',').map((digest) => digest.slice(0, 12)).join(',');
}
