import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { keyFingerprint } from '../../src/upstream/api-key.js';
import { buildTestGateway } from '../helpers/gateway.js';

const OLD_KEY = 'old-vt-key-0000000000000000000000000000000000000000000000000000000001';
const NEW_KEY = 'new-vt-key-1111111111111111111111111111111111111111111111111111111112';

function keyFile(t: { teardown(fn: () => unknown): void }, key: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vtgw-key-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'vt-key');
  writeFileSync(path, `${key}\n`);
  return path;
}

/** Replaces the file the way a secret manager does: write aside, rename over. */
function rewrite(path: string, content: string): void {
  writeFileSync(`${path}.new`, content);
  renameSync(`${path}.new`, path);
}

t.test('rewriting VIRUSTOTAL_API_KEY_FILE switches the key under load: no request fails, neither key is ever shown', async (t) => {
  // A VirusTotal that echoes the key it received, as a careless upstream might.
  const upstream = await startFakeUpstream((req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { echoed: req.headers['x-apikey'] } }));
    }, 5);
  });
  t.teardown(() => upstream.close());
  const path = keyFile(t, OLD_KEY);
  const { app, auth, core, auditLines } = await buildTestGateway(t, {
    upstream: upstream.baseUrl,
    config: { vtApiKey: OLD_KEY, vtApiKeyFile: path, keyOwner: undefined, readsPerMinute: 1_000_000, upstreamBudgetPerMinute: 1_000_000 },
  });

  let stop = false;
  const answers: { status: number; body: string }[] = [];
  const load = Array.from({ length: 8 }, async () => {
    while (!stop) {
      const res = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: auth });
      answers.push({ status: res.statusCode, body: res.body });
    }
  });
  await sleep(200);
  rewrite(path, `${NEW_KEY}\n`);
  const until = Date.now() + 5000;
  while (!upstream.seen.some((r) => r.headers['x-apikey'] === NEW_KEY) && Date.now() < until) await sleep(20);
  await sleep(200);
  stop = true;
  await Promise.all(load);

  const keysSeen = upstream.seen.filter((r) => r.url.includes('/groups/g')).map((r) => r.headers['x-apikey']);
  const switchedAt = keysSeen.indexOf(NEW_KEY);
  t.ok(switchedAt > 0, 'the old key first, then the new one');
  t.ok(keysSeen.slice(switchedAt).every((key) => key === NEW_KEY), 'after the switch, only the new key goes upstream');
  t.ok(answers.length > 20, `${answers.length} requests under load`);
  t.ok(answers.every((a) => a.status === 200), 'no request failed');
  t.ok(answers.every((a) => !a.body.includes(OLD_KEY) && !a.body.includes(NEW_KEY)), 'neither key appears in any answer');
  t.ok(answers.some((a) => a.body.includes('[REDACTED]')), 'the echoed key was redacted');
  const lookups = upstream.seen.filter((r) => r.url.startsWith('/api/v3/users/')).map((r) => r.url);
  t.ok(lookups.some((url) => url.includes(encodeURIComponent(NEW_KEY))), 'the key owner is looked up again for the new key');
  const metrics = await core.metrics.registry.metrics();
  t.match(metrics, /vtgw_upstream_key_rotations_total 1/);
  t.notOk(metrics.includes(OLD_KEY) || metrics.includes(NEW_KEY), 'no key in the metrics');

  const lines = auditLines().filter((l) => l.operation === 'groups');
  const fingerprints = new Set(lines.map((l) => l.keyFingerprint));
  t.same([...fingerprints].sort(), [keyFingerprint(NEW_KEY), keyFingerprint(OLD_KEY)].sort(), 'each audit line names the key it was sent with, by fingerprint');
  t.equal(lines.at(-1)?.keyFingerprint, keyFingerprint(NEW_KEY), 'the last ones the new key');
  const text = JSON.stringify(auditLines());
  t.notOk(text.includes(OLD_KEY) || text.includes(NEW_KEY), 'never the key itself');
  t.match(
    auditLines().filter((l) => l.channel === 'gateway' && l.operation === 'keyRotated'),
    [{ change: { keyFingerprint: keyFingerprint(NEW_KEY) } }],
    'the rotation is on the record as a gateway event',
  );
});

t.test('an empty or missing key file keeps the last good key', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const path = keyFile(t, OLD_KEY);
  const { app, auth, core } = await buildTestGateway(t, { upstream: upstream.baseUrl, config: { vtApiKey: OLD_KEY, vtApiKeyFile: path } });
  rewrite(path, '\n');
  await sleep(1300);
  t.equal((await app.inject({ method: 'GET', url: '/v1/groups/g', headers: auth })).statusCode, 200);
  t.equal(upstream.seen.at(-1)?.headers['x-apikey'], OLD_KEY, 'still the old key');
  t.match(await core.metrics.registry.metrics(), /vtgw_upstream_key_file_unusable 1/);
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 200);
  t.match(ready.json(), { notes: { virusTotalKey: /is empty/ } }, 'readiness says so without failing');
  rmSync(path);
  await sleep(1300);
  t.equal((await app.inject({ method: 'GET', url: '/v1/groups/g', headers: auth })).statusCode, 200);
  t.equal(upstream.seen.at(-1)?.headers['x-apikey'], OLD_KEY, 'a missing file: still the old key');
});
