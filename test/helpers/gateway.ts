import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { AuditLog } from '../../src/audit/audit-log.js';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { scopes, type Scope } from '../../src/catalog/operation.js';
import type { GatewayConfig } from '../../src/config.js';
import { createCore, type Core } from '../../src/core/core.js';
import { buildRestApp } from '../../src/rest/rest-app.js';
import type { Client } from '../../src/security/client.js';
import { ClientRegistry } from '../../src/security/client-registry.js';
import { tokenDigest } from '../../src/security/token.js';
import { testConfig } from './config.js';

export const ADMIN_TOKEN = 'vtgw_test-admin-token-with-every-scope-000000000000';

export interface TestClient {
  id: string;
  token: string;
  scopes?: Scope[];
  groups?: string[] | 'all';
  threatProfiles?: string[] | 'all';
  rateLimit?: Client['rateLimit'];
}

export const adminClient: TestClient = { id: 'test-admin', token: ADMIN_TOKEN };

export interface TestGateway {
  app: FastifyInstance;
  core: Core;
  /** Headers of a client holding every scope on every group and threat profile. */
  auth: Record<string, string>;
  auditPath: string;
  auditLines(): (AuditEntry & { hash: string; prevHash: string })[];
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

export function toClient(c: TestClient): Client & { tokenSha256: string } {
  const set = (v: string[] | 'all' | undefined) => (v === undefined || v === 'all' ? 'all' : new Set(v));
  return {
    id: c.id,
    tokenSha256: tokenDigest(c.token),
    scopes: new Set(c.scopes ?? scopes),
    groups: set(c.groups),
    threatProfiles: set(c.threatProfiles),
    ...(c.rateLimit === undefined ? {} : { rateLimit: c.rateLimit }),
  };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export async function buildTestGateway(
  t: Teardown,
  opts: { upstream: string; config?: Partial<GatewayConfig>; clients?: TestClient[]; registry?: ClientRegistry; audit?: AuditLog },
): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'vtgw-test-'));
  const auditPath = join(dir, 'audit.log');
  const clients = opts.registry ?? ClientRegistry.fromClients([adminClient, ...(opts.clients ?? [])].map(toClient));
  const core = await createCore(testConfig({ vtApiBaseUrl: opts.upstream, auditLogPath: auditPath, ...opts.config }), {
    log: pino({ level: 'silent' }),
    clients,
    ...(opts.audit === undefined ? {} : { audit: opts.audit }),
  });
  const app = await buildRestApp(core, { logger: false });
  t.teardown(async () => {
    await app.close();
    await core.close();
    opts.audit?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    app,
    core,
    auth: bearer(ADMIN_TOKEN),
    auditPath,
    auditLines: () =>
      readFileSync(auditPath, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as AuditEntry & { hash: string; prevHash: string }),
  };
}
