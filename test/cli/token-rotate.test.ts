import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { main } from '../../src/cli/token-rotate.js';
import { ClientRegistry } from '../../src/security/client-registry.js';
import { tokenDigest } from '../../src/security/token.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { bearer, buildTestGateway } from '../helpers/gateway.js';
import { runCli } from './fixtures/run-cli.js';

const OLD_TOKEN = 'vtgw_old-token-of-svc-a-0000000000000000000000000';
const quiet = { info: () => {}, warn: () => {} };

function clientsFile(t: { teardown(fn: () => unknown): void }, entry: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'vtgw-rotate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'clients.json');
  writeFileSync(path, JSON.stringify({ clients: [entry] }));
  return path;
}

const entry = { id: 'svc-a', tokenSha256: tokenDigest(OLD_TOKEN), scopes: ['groups:read'], groups: ['*'], threatProfiles: [] };

t.test('rotate prints a new token and the entry: both tokens work during the grace period, the old one not after it', async (t) => {
  const path = clientsFile(t, entry);
  const run = await runCli((argv, io) => main(argv, io, {}), ['--id', 'svc-a', '--grace', '1h', '--clients-file', path]);
  t.equal(run.status, 0, run.stderr);
  const [newToken = '', updatedJson = ''] = run.stdout.split('\n');
  t.match(newToken, /^vtgw_/);
  t.notOk(run.stderr.includes(newToken), 'the token is printed once');
  const updated = JSON.parse(updatedJson) as { tokens: { sha256: string; notAfter?: string }[] };
  t.equal(updated.tokens[0]?.sha256, tokenDigest(newToken));
  t.equal(updated.tokens[1]?.sha256, tokenDigest(OLD_TOKEN));
  const notAfter = Date.parse(updated.tokens[1]?.notAfter ?? '');
  t.ok(Math.abs(notAfter - (Date.now() + 3_600_000)) < 5000, 'the old token expires after the grace period');
  t.match(run.stderr, /Replace its entry/);
  t.equal(readFileSync(path, 'utf8'), JSON.stringify({ clients: [entry] }), 'the file itself is untouched');

  writeFileSync(path, JSON.stringify({ clients: [updated] }));
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app, auditLines } = await buildTestGateway(t, { upstream: upstream.baseUrl, registry: ClientRegistry.load(path, quiet) });
  for (const token of [OLD_TOKEN, newToken]) {
    t.equal((await app.inject({ method: 'GET', url: '/v1/groups/g', headers: bearer(token) })).statusCode, 200);
    t.equal(auditLines().at(-1)?.clientId, 'svc-a', 'the same client id whichever token');
  }

  const expired = { ...updated, tokens: [updated.tokens[0], { ...updated.tokens[1], notAfter: new Date(Date.now() - 1000).toISOString() }] };
  writeFileSync(path, JSON.stringify({ clients: [expired] }));
  const later = ClientRegistry.load(path, quiet);
  t.equal(later.findByToken(OLD_TOKEN), undefined, 'after the grace period the old token is refused');
  t.equal(later.findByToken(newToken)?.id, 'svc-a');
});

t.test('rotate refuses an unknown client and a bad grace', async (t) => {
  const path = clientsFile(t, entry);
  const unknown = await runCli((argv, io) => main(argv, io, {}), ['--id', 'svc-b', '--clients-file', path]);
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /no client svc-b/);
  const badGrace = await runCli((argv, io) => main(argv, io, {}), ['--id', 'svc-a', '--grace', 'soon', '--clients-file', path]);
  t.equal(badGrace.status, 2);
  t.equal(badGrace.stdout, '', 'no token minted on a usage error');
});
