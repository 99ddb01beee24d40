import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { createCore } from '../core/core.js';
import { buildRestApp } from '../rest/rest-app.js';
import { ClientRegistry } from '../security/client-registry.js';

/** The OpenAPI document exactly as a running gateway serves it, as committed under openapi/. */
export async function generateOpenApiDocument(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'vtgw-openapi-'));
  const config = { ...loadConfig({ AUDIT_LOG_PATH: join(dir, 'audit.log') }), vtApiKey: 'unused-for-document-generation' };
  const core = await createCore(config, { log: pino({ level: 'silent' }), clients: ClientRegistry.fromClients([]) });
  const app = await buildRestApp(core, { logger: false });
  const served = await app.inject('/openapi.json');
  const doc = JSON.stringify(served.json(), null, 2) + '\n';
  await app.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
  return doc;
}
