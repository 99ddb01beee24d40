import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import t from 'tap';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { startGateway } from '../../src/gateway.js';
import { version } from '../../src/version.js';
import { mintToken, tokenDigest } from '../../src/security/token.js';
import { TEST_VT_KEY, testConfig } from '../helpers/config.js';

type Line = Record<string, unknown> & { change: Record<string, unknown> };

async function startAndStop(dir: string, overrides: Parameters<typeof testConfig>[0]): Promise<Line[]> {
  const clientsFile = join(dir, 'clients.json');
  writeFileSync(clientsFile, JSON.stringify({ clients: [{ id: 'svc', tokenSha256: tokenDigest(mintToken()), scopes: ['groups:read'], groups: ['*'], threatProfiles: [] }] }));
  const auditLogPath = join(dir, 'audit.log');
  const gateway = await startGateway(
    testConfig({ host: '127.0.0.1', port: 0, mcpPort: 0, metricsPort: 0, clientsFile, auditLogPath, ...overrides }),
    { log: pino({ level: 'silent' }) },
  );
  await gateway.close();
  return readFileSync(auditLogPath, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
}

t.test('every start is an audit line of its own: the version and a digest of the effective configuration, never a secret', async (t) => {
  const dir = t.testdir();
  const first = await startAndStop(dir, { redisUrl: undefined, readsPerMinute: 601 });
  const start = first.find((line) => line.operation === 'start');
  t.ok(start, 'a start line');
  t.match(start, { channel: 'gateway', clientId: null, status: 0, outcome: 'ok', change: { version, node: process.version } });
  t.match(start?.change.configDigest, /^[0-9a-f]{64}$/);
  t.ok(Array.isArray(start?.change.changedSettings) && start.change.changedSettings.includes('RATE_LIMIT_READS_PER_MINUTE'), 'names the settings changed from their defaults');

  const again = await startAndStop(dir, { redisUrl: undefined, readsPerMinute: 601 });
  const starts = again.filter((line) => line.operation === 'start');
  t.equal(starts.length, 2, 'one line per start, on the same chain');
  t.equal(starts[1]?.change.configDigest, start?.change.configDigest, 'the same configuration gives the same digest');
  t.ok(verifyAuditFiles([join(dir, 'audit.log')]).ok, 'chained like every line');

  const other = await startAndStop(t.testdir(), { readsPerMinute: 602 });
  t.not(other.find((line) => line.operation === 'start')?.change.configDigest, start?.change.configDigest, 'another configuration, another digest');
  t.notOk(readFileSync(join(dir, 'audit.log'), 'utf8').includes(TEST_VT_KEY), 'the VirusTotal key is not in the log');
});

t.test('credentials in a URL setting change the digest but are not what it is made from', async (t) => {
  const digestWith = async (vtApiBaseUrl: string): Promise<unknown> => {
    const lines = await startAndStop(t.testdir(), { vtApiBaseUrl });
    return lines.find((line) => line.operation === 'start')?.change.configDigest;
  };
  const one = await digestWith('https://proxy-user:first-secret@vt-egress.example/api/v3');
  const two = await digestWith('https://proxy-user:second-secret@vt-egress.example/api/v3');
  t.equal(one, two, 'two passwords on the same URL give one digest: the password is not hashed into it');
  t.not(await digestWith('https://proxy-user:first-secret@vt-egress-2.example/api/v3'), one, 'another server, another digest');
});
