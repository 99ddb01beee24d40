import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../app.js';
import { AuditLog } from '../audit/audit-log.js';
import { loadConfig } from '../config.js';
import { ClientRegistry } from '../security/client-registry.js';

/** The OpenAPI document exactly as a running gateway serves it, as committed under openapi/. */
export async function generateOpenApiDocument(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'vtgw-openapi-'));
  const config = { ...loadConfig({}), vtApiKey: 'unused-for-document-generation' };
  const app = await buildApp({
    config,
    clients: ClientRegistry.fromClients([]),
    audit: AuditLog.open({ path: join(dir, 'audit.log') }),
    logger: false,
  });
  const served = await app.inject('/openapi.json');
  const doc = JSON.stringify(served.json(), null, 2) + '\n';
  await app.close();
  rmSync(dir, { recursive: true, force: true });
  return doc;
}
