import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import t from 'tap';
import { createCore } from '../../src/core/core.js';
import { mintToken, tokenDigest } from '../../src/security/token.js';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { testConfig } from '../helpers/config.js';

const entry = (id: string, token: string, scopes: string[]) => ({ id, tokenSha256: tokenDigest(token), scopes, groups: ['my_group'], threatProfiles: [] });

t.test('a clients-file reload is an audit line of its own: ids added and removed, scopes changed, a token rotated by fingerprint', async (t) => {
  const dir = t.testdir();
  const clientsFile = join(dir, 'clients.json');
  const auditLogPath = join(dir, 'audit.log');
  const [oldToken, newToken, otherToken] = [mintToken(), mintToken(), mintToken()];
  writeFileSync(clientsFile, JSON.stringify({ clients: [entry('svc-a', oldToken, ['groups:read']), entry('svc-gone', otherToken, ['groups:read'])] }));
  const core = await createCore(testConfig({ clientsFile, auditLogPath }), { log: pino({ level: 'silent' }) });
  writeFileSync(clientsFile, JSON.stringify({ clients: [entry('svc-a', newToken, ['groups:read', 'groups:admins']), entry('svc-new', otherToken, ['groups:read'])] }));
  process.emit('SIGHUP', 'SIGHUP');
  await core.close();
  const lines = readFileSync(auditLogPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  t.equal(lines.length, 1);
  t.match(lines[0], {
    channel: 'gateway',
    operation: 'clientsReload',
    clientId: null,
    status: 0,
    change: {
      clients: 2,
      added: ['svc-new'],
      removed: ['svc-gone'],
      changed: [
        {
          id: 'svc-a',
          scopes: { from: ['groups:read'], to: ['groups:admins', 'groups:read'] },
          token: { from: tokenDigest(oldToken).slice(0, 12), to: tokenDigest(newToken).slice(0, 12) },
        },
      ],
    },
  });
  const text = readFileSync(auditLogPath, 'utf8');
  for (const token of [oldToken, newToken, otherToken]) t.notOk(text.includes(token), 'no token in the line');
  t.notOk(text.includes(tokenDigest(newToken)), 'no whole digest either');
  t.ok(verifyAuditFiles([auditLogPath]).ok, 'chained like every line');
});

t.test('clients without a token (OIDC, assertion, trusted header) are on the record of a reload too', async (t) => {
  const dir = t.testdir();
  const clientsFile = join(dir, 'clients.json');
  const auditLogPath = join(dir, 'audit.log');
  const token = mintToken();
  const oidcOnly = (id: string, scopes: string[], oidcSubject?: string) => ({ id, scopes, groups: ['my_group'], threatProfiles: [], ...(oidcSubject === undefined ? {} : { oidcSubject }) });
  writeFileSync(clientsFile, JSON.stringify({ clients: [entry('svc-a', token, ['groups:read']), oidcOnly('svc-oidc', ['groups:read'], 'sub-1'), oidcOnly('svc-old', ['groups:read'])] }));
  const core = await createCore(testConfig({ clientsFile, auditLogPath }), { log: pino({ level: 'silent' }) });
  writeFileSync(
    clientsFile,
    JSON.stringify({
      clients: [entry('svc-a', token, ['groups:read']), oidcOnly('svc-oidc', ['groups:read', 'groups:admins'], 'sub-2'), oidcOnly('svc-new', ['groups:admins'])],
    }),
  );
  process.emit('SIGHUP', 'SIGHUP');
  await core.close();
  const [line] = readFileSync(auditLogPath, 'utf8').trim().split('\n').map((text) => JSON.parse(text) as Record<string, unknown>);
  t.same(line?.change, {
    clients: 3,
    added: ['svc-new'],
    removed: ['svc-old'],
    changed: [{ id: 'svc-oidc', scopes: { from: ['groups:read'], to: ['groups:admins', 'groups:read'] }, oidcSubject: { from: 'sub-1', to: 'sub-2' } }],
  });
});
