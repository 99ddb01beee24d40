import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import t from 'tap';
import { createCore } from '../../src/core/core.js';
import { buildRestApp } from '../../src/rest/rest-app.js';
import { operations } from '../../src/catalog/operations.js';
import { ClientRegistry } from '../../src/security/client-registry.js';
import { buildSimulator, DEMO_ADMIN_USER } from '../../src/simulator/index.js';
import { TEST_VT_KEY, testConfig } from '../helpers/config.js';
import { ADMIN_TOKEN, adminClient, toClient } from '../helpers/gateway.js';

const bodies: Record<string, unknown> = {
  patchGroup: { data: { type: 'group', attributes: { quotas: {} } } },
  postGroupAdministrators: { data: [{ type: 'user', id: 'nobody@example.com' }] },
  updateGroupUsers: { data: [{ type: 'user', id: 'nobody@example.com' }] },
  patchGroupUsers: { data: [{ type: 'user', id: 'nobody', context_attributes: { add_roles: ['USER_ROLE_PRIVATE_SCANNING'] } }] },
  addThreatProfileRelationships: { data: [{ type: 'user', id: 'nobody' }] },
  deleteThreatProfileRelationships: { data: [{ type: 'user', id: 'nobody' }] },
  createGroupServiceAccounts: { data: [{ type: 'service_account', id: 'nobody' }] },
  patchUser: { data: { type: 'user', attributes: { quotas: { api_requests_daily: { allowed: 1 } } } } },
};

t.test('neither the VirusTotal key nor a client token appears in any output', async (t) => {
  const sim = buildSimulator({ apiKeys: { [TEST_VT_KEY]: DEMO_ADMIN_USER }, echoHeadersInErrors: true });
  await sim.app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => sim.app.close());
  let logged = '';
  const logStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logged += chunk.toString();
      cb();
    },
  });
  const auditPath = join(mkdtempSync(join(tmpdir(), 'vtgw-secrets-')), 'audit.log');
  const log = pino({ level: 'trace' }, logStream);
  const core = await createCore(
    testConfig({ vtApiBaseUrl: `http://127.0.0.1:${(sim.app.server.address() as AddressInfo).port}/api/v3`, logLevel: 'trace', auditLogPath: auditPath, keyOwner: undefined }), // the key-owner lookup's path holds the key: it must not be logged
    { log, clients: ClientRegistry.fromClients([toClient(adminClient)]) },
  );
  const app = await buildRestApp(core, { logger: log });
  t.teardown(async () => {
    await app.close();
    await core.close();
  });

  let responses = '';
  const record = (res: { statusCode: number; headers: object; body: string }) => {
    responses += `${res.statusCode} ${JSON.stringify(res.headers)} ${res.body}\n`;
  };
  for (const op of operations) {
    const url = op.path.replace('{id}', 'no_such_group').replace('{user_id}', 'nobody').replace('{relationship}', 'editors');
    const body = bodies[op.name];
    for (const headers of [{ authorization: `Bearer ${ADMIN_TOKEN}` }, { authorization: 'Bearer vtgw_wrong' }, {}]) {
      record(await app.inject({ method: op.method, url, headers, ...(body === undefined ? {} : { payload: body as object }) }));
    }
  }
  record(await app.inject({ method: 'GET', url: '/v1/groups/a%2Fb', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }));
  record(await app.inject({ method: 'GET', url: '/nope', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }));
  record(await app.inject({ method: 'GET', url: '/openapi.json' }));
  record(await app.inject({ method: 'GET', url: '/openapi.yaml' }));

  t.match(responses, /received_headers/, 'the upstream really echoed request headers back');
  t.match(responses, /\[REDACTED\]/, 'and the gateway redacted the key');
  const audit = readFileSync(auditPath, 'utf8');
  t.ok(logged.length > 0 && audit.length > 0, 'there was output to search');
  for (const [name, output] of [['responses', responses], ['operational log', logged], ['audit log', audit]] as const) {
    t.notOk(output.includes(TEST_VT_KEY), `${name}: no VirusTotal key`);
    t.notOk(output.includes(ADMIN_TOKEN), `${name}: no client token`);
    t.notOk(output.includes('vtgw_wrong'), `${name}: not even a wrong token`);
  }
});
