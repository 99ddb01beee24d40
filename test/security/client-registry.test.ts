import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Client } from '../../src/security/client.js';
import { ClientRegistry } from '../../src/security/client-registry.js';
import { tokenDigest } from '../../src/security/token.js';

const onboardingToken = 'vtgw_onboarding-token';
const reportingToken = 'vtgw_reporting-token';

const onboarding = {
  id: 'svc-onboarding',
  tokenSha256: tokenDigest(onboardingToken),
  scopes: ['groups:read', 'groups:write'],
  groups: ['my_group'],
  threatProfiles: ['*'],
};
const reporting = {
  id: 'svc-reporting',
  tokenSha256: tokenDigest(reportingToken),
  scopes: ['threat_profiles:read'],
  groups: [],
  threatProfiles: ['*'],
};

function fileWith(...clients: unknown[]): string {
  return JSON.stringify({ clients });
}

function recordingLogger() {
  const lines = { info: [] as string[], warn: [] as string[] };
  return { lines, logger: { info: (msg: string) => lines.info.push(msg), warn: (msg: string) => lines.warn.push(msg) } };
}

async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Watchers here poll every 20 ms, so waiting 200 ms gives one about ten chances to (wrongly) reload. */
const fastPolling = { pollIntervalMs: 20 };
const severalPolls = 200;

const client = (id: string): Client => ({ id, scopes: new Set(['groups:read']), groups: 'all', threatProfiles: new Set() });

t.test('findByToken on a connection: each token is judged on its own, whatever the connection sent before', async (t) => {
  const registry = ClientRegistry.fromClients([
    { ...client('svc-onboarding'), tokenSha256: tokenDigest(onboardingToken) },
    { ...client('svc-reporting'), tokenSha256: tokenDigest(reportingToken) },
  ]);
  const connection = {};
  const sequence = [onboardingToken, onboardingToken, 'vtgw_wrong-token', reportingToken, onboardingToken, `${onboardingToken} `, onboardingToken];
  t.same(
    sequence.map((token) => registry.findByToken(token, connection)?.id),
    ['svc-onboarding', 'svc-onboarding', undefined, 'svc-reporting', 'svc-onboarding', undefined, 'svc-onboarding'],
  );
  t.equal(registry.findByToken(tokenDigest(onboardingToken), connection), undefined, 'the digest is not a token on a connection either');
  t.equal(registry.findByToken(reportingToken, {})?.id, 'svc-reporting', 'another connection');
});

t.test('findByToken finds a client by its token only', async (t) => {
  const registry = ClientRegistry.fromClients([
    { ...client('svc-onboarding'), tokenSha256: tokenDigest(onboardingToken) },
    { ...client('svc-reporting'), tokenSha256: tokenDigest(reportingToken).toUpperCase() },
  ]);
  t.equal(registry.findByToken(onboardingToken)?.id, 'svc-onboarding');
  t.equal(registry.findByToken(reportingToken)?.id, 'svc-reporting', 'an uppercase digest works');
  t.equal(registry.findByToken('vtgw_wrong-token'), undefined, 'wrong token');
  t.equal(registry.findByToken(`${onboardingToken} `), undefined, 'token with trailing space');
  t.equal(registry.findByToken(''), undefined, 'empty token');
  t.equal(registry.findByToken(tokenDigest(onboardingToken)), undefined, 'the digest is not a token');
  t.equal(registry.findByToken(tokenDigest(reportingToken).toUpperCase()), undefined, 'nor is the uppercase digest');
  t.notOk('tokenSha256' in (registry.findByToken(onboardingToken) ?? {}), 'the found client carries no digest');
  t.equal(registry.size, 2);
});

t.test('findById finds any client, including one without a token', async (t) => {
  const registry = ClientRegistry.fromClients([client('svc-proxied'), { ...client('svc-onboarding'), tokenSha256: tokenDigest(onboardingToken) }]);
  t.equal(registry.findById('svc-proxied')?.id, 'svc-proxied');
  t.equal(registry.findById('svc-onboarding')?.id, 'svc-onboarding');
  t.equal(registry.findById('svc-unknown'), undefined);
  t.equal(registry.size, 2);
});

t.test('fromClients rejects duplicates and malformed digests', async (t) => {
  const digest = tokenDigest(onboardingToken);
  t.throws(() => ClientRegistry.fromClients([client('a'), client('a')]), /duplicate client id a/);
  t.throws(
    () => ClientRegistry.fromClients([{ ...client('a'), tokenSha256: digest }, { ...client('b'), tokenSha256: digest.toUpperCase() }]),
    /client b: same token as client a/,
  );
  t.throws(() => ClientRegistry.fromClients([{ ...client('a'), tokenSha256: onboardingToken }]), /tokenSha256 must be 64 hex/);
});

t.test('a registry without a file: reload keeps the clients, watch does nothing', async (t) => {
  const registry = ClientRegistry.fromClients([client('a')]);
  const listeners = process.listenerCount('SIGHUP');
  t.equal(registry.reload(), true);
  registry.watch();
  t.equal(process.listenerCount('SIGHUP'), listeners);
  registry.close();
  t.equal(registry.size, 1);
});

t.test('load reads the file and logs the count, never a token or digest', async (t) => {
  const path = join(t.testdir({ 'clients.json': fileWith(onboarding, reporting) }), 'clients.json');
  const { lines, logger } = recordingLogger();
  const registry = ClientRegistry.load(path, logger);
  t.equal(registry.size, 2);
  t.equal(registry.findByToken(onboardingToken)?.id, 'svc-onboarding');
  t.same([...(registry.findById('svc-onboarding')?.scopes ?? [])], ['groups:read', 'groups:write']);
  t.same(lines.info, [`client registry: loaded 2 clients from ${path}`]);
  t.same(lines.warn, []);
});

t.test('load throws a one-line reason for a missing or broken file', async (t) => {
  const dir = t.testdir({ 'broken.json': fileWith(onboarding, { ...reporting, scopes: ['groups:delete'] }) });
  const { logger } = recordingLogger();
  t.throws(() => ClientRegistry.load(join(dir, 'missing.json'), logger), {
    message: `clients file ${join(dir, 'missing.json')}: cannot read it (ENOENT)`,
  });
  t.throws(() => ClientRegistry.load(join(dir, 'broken.json'), logger), {
    message: /^clients file .*broken\.json: clients\[1\] \(svc-reporting\): scopes\[0\]: unknown scope "groups:delete" [^\n]*$/,
  });
});

t.test('reload picks up changes; a broken file keeps the last good clients and warns why', async (t) => {
  const path = join(t.testdir({ 'clients.json': fileWith(onboarding, reporting) }), 'clients.json');
  const { lines, logger } = recordingLogger();
  const registry = ClientRegistry.load(path, logger);

  writeFileSync(path, fileWith(reporting));
  t.equal(registry.reload(), true);
  t.equal(registry.findByToken(onboardingToken), undefined, 'removed client is out');
  t.equal(registry.findById('svc-onboarding'), undefined);
  t.equal(lines.info.at(-1), `client registry: reloaded 1 clients from ${path}`);

  for (const broken of ['{"clients": [', fileWith(reporting, { ...onboarding, id: reporting.id })]) {
    writeFileSync(path, broken);
    t.equal(registry.reload(), false);
    t.equal(registry.findByToken(reportingToken)?.id, 'svc-reporting', 'last good clients kept');
    t.equal(registry.size, 1);
  }
  t.equal(lines.warn.length, 2);
  t.match(lines.warn[0], /^client registry: reload failed, keeping the last good 1 clients: clients file .*: not valid JSON/);
  t.match(lines.warn[1], /clients\[1\] \(svc-reporting\): id: duplicate of clients\[0\]$/);

  for (const line of [...lines.info, ...lines.warn]) {
    t.notMatch(line, /[\r\n]/, 'one line');
    for (const secret of [onboardingToken, reportingToken, onboarding.tokenSha256, reporting.tokenSha256]) {
      t.notOk(line.includes(secret.slice(0, 12)), 'no token or digest logged');
    }
  }
});

t.test('watch: a client removed from the file is out within seconds', async (t) => {
  const path = join(t.testdir({ 'clients.json': fileWith(onboarding, reporting) }), 'clients.json');
  const registry = ClientRegistry.load(path, recordingLogger().logger);
  registry.watch(fastPolling);
  t.teardown(() => registry.close());

  writeFileSync(path, fileWith(reporting));
  t.ok(await eventually(() => registry.findByToken(onboardingToken) === undefined), 'revoked client gone');
  t.equal(registry.findByToken(reportingToken)?.id, 'svc-reporting');
});

t.test('watch: a file replaced by rename, as editors and deploy tools do, is picked up', async (t) => {
  const dir = t.testdir({ 'clients.json': fileWith(onboarding) });
  const path = join(dir, 'clients.json');
  const registry = ClientRegistry.load(path, recordingLogger().logger);
  registry.watch(fastPolling);
  t.teardown(() => registry.close());

  writeFileSync(join(dir, 'clients.json.tmp'), fileWith(reporting));
  renameSync(join(dir, 'clients.json.tmp'), path);
  t.ok(await eventually(() => registry.findByToken(reportingToken) !== undefined), 'new client in');
  t.equal(registry.findByToken(onboardingToken), undefined, 'old client out');
});

t.test('watch: a broken rewrite keeps the last good clients, warns once, and a fix is picked up', async (t) => {
  const path = join(t.testdir({ 'clients.json': fileWith(onboarding, reporting) }), 'clients.json');
  const { lines, logger } = recordingLogger();
  const registry = ClientRegistry.load(path, logger);
  registry.watch(fastPolling);
  t.teardown(() => registry.close());

  writeFileSync(path, fileWith(reporting, { ...onboarding, scopes: ['groups:everything'] }));
  t.ok(await eventually(() => lines.warn.length > 0), 'broken file noticed');
  t.match(lines.warn[0], /scopes\[0\]: unknown scope "groups:everything"/);
  t.equal(registry.findByToken(onboardingToken)?.id, 'svc-onboarding', 'last good clients kept');
  await sleep(severalPolls);
  t.equal(lines.warn.length, 1, 'an unchanged broken file is not reported again');

  writeFileSync(path, fileWith(reporting));
  t.ok(await eventually(() => registry.findByToken(onboardingToken) === undefined), 'fixed file picked up');
});

t.test('watch: SIGHUP reloads the file; close stops both SIGHUP and file reloads', async (t) => {
  const path = join(t.testdir({ 'clients.json': fileWith(onboarding, reporting) }), 'clients.json');
  const registry = ClientRegistry.load(path, recordingLogger().logger);
  const listeners = process.listenerCount('SIGHUP');
  registry.watch(fastPolling);
  registry.watch(fastPolling);
  t.equal(process.listenerCount('SIGHUP'), listeners + 1, 'watch is idempotent');

  writeFileSync(path, fileWith(reporting));
  process.emit('SIGHUP');
  t.equal(registry.findByToken(onboardingToken), undefined, 'reloaded at once on SIGHUP');

  registry.close();
  t.equal(process.listenerCount('SIGHUP'), listeners, 'SIGHUP listener removed');
  writeFileSync(path, fileWith(onboarding, reporting));
  await sleep(severalPolls);
  t.equal(registry.findByToken(onboardingToken), undefined, 'no reload from the file after close');
  t.equal(registry.findByToken(reportingToken)?.id, 'svc-reporting');

  registry.watch(fastPolling);
  t.teardown(() => registry.close());
  t.ok(await eventually(() => registry.findByToken(onboardingToken) !== undefined), 'watching again catches up with the file');
});
