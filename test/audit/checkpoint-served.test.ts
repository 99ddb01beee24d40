import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import t from 'tap';
import { readCheckpointLine } from '../../src/audit/checkpoint.js';
import { verifyWithCheckpoints } from '../../src/audit/verify-checkpoints.js';
import { createCore } from '../../src/core/core.js';
import { startMetricsServer } from '../../src/metrics/metrics-server.js';
import { buildRestApp } from '../../src/rest/rest-app.js';
import { ClientRegistry } from '../../src/security/client-registry.js';
import { testConfig } from '../helpers/config.js';
import { replyJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { adminClient, bearer, toClient } from '../helpers/gateway.js';

t.test('with AUDIT_SIGNING_KEY_FILE the gateway signs checkpoints, serves the newest on the metrics port, and signs at shutdown', async (t) => {
  const dir = t.testdir();
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const keyFile = join(dir, 'audit-signing.key');
  writeFileSync(keyFile, privateKey, { mode: 0o600 });
  const upstream = await startFakeUpstream(replyJson(200, { data: true }));
  t.teardown(() => upstream.close());
  const auditLogPath = join(dir, 'audit', 'audit.log');
  const checkpoints = join(dir, 'elsewhere', 'checkpoints');
  const config = testConfig({
    vtApiBaseUrl: upstream.baseUrl,
    auditLogPath,
    auditSigningKeyFile: keyFile,
    auditCheckpointPath: checkpoints,
    auditCheckpointEveryLines: 2,
    auditReplicaId: 'replica-a',
  });
  const core = await createCore(config, { log: pino({ level: 'silent' }), clients: ClientRegistry.fromClients([toClient(adminClient)]) });
  const app = await buildRestApp(core, { logger: false });
  const server = await startMetricsServer(core.metrics, 0, '127.0.0.1', 16, () => core.latestAuditCheckpoint());
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit/checkpoint`;

  t.equal((await fetch(url)).status, 404, 'none before the first lines');
  for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/v1/groups/g', headers: bearer(adminClient.token) });
  const res = await fetch(url);
  t.equal(res.status, 200);
  const read = readCheckpointLine((await res.text()).trimEnd(), createPublicKey(publicKey));
  t.ok(read.ok, 'the served checkpoint verifies with the public key');
  if (read.ok) t.match(read.checkpoint, { replica: 'replica-a', lines: 2, reason: 'lines', files: [{ name: 'audit.log', firstLine: 1 }] });

  await app.close();
  await core.close();
  const result = verifyWithCheckpoints(auditLogPath, checkpoints, createPublicKey(publicKey));
  t.same({ ok: result.ok, lines: result.lines, unsigned: result.unsigned }, { ok: true, lines: 3, unsigned: 0 }, 'the shutdown checkpoint covers the last line');
  const lines = readFileSync(auditLogPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { replica: string; seq: number });
  t.same(lines.map((l) => [l.replica, l.seq]), [['replica-a', 1], ['replica-a', 2], ['replica-a', 3]], 'AUDIT_REPLICA_ID and seq on every line');
});

t.test('a signing key that is not Ed25519 stops the start with a clear message', async (t) => {
  const dir = t.testdir();
  const keyFile = join(dir, 'rsa.key');
  writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await t.rejects(
    createCore(testConfig({ auditLogPath: join(dir, 'audit.log'), auditSigningKeyFile: keyFile }), {
      log: pino({ level: 'silent' }),
      clients: ClientRegistry.fromClients([toClient(adminClient)]),
    }),
    /audit signing key .*rsa\.key is rsa, not Ed25519/,
  );
});
