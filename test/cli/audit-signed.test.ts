import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import t from 'tap';
import { readSigningKey } from '../../src/audit/checkpoint.js';
import { main as keygen } from '../../src/cli/audit-keygen.js';
import { main as verify } from '../../src/cli/audit-verify.js';
import { rawLines, seriesIn, writeEntries, writeRawLines } from '../audit/.fixtures/audit-files.js';
import { runCli } from './fixtures/run-cli.js';

t.test('keygen writes an Ed25519 PKCS#8 key (0600) and its SPKI public key, and never overwrites', async (t) => {
  const dir = join(t.testdir(), 'keys');
  const run = await runCli(keygen, ['--out', dir]);
  t.equal(run.status, 0);
  const key = join(dir, 'audit-signing.key');
  const pub = join(dir, 'audit-signing.pub');
  t.equal(run.stdout, `${key}\n${pub}\n`);
  t.equal(statSync(key).mode & 0o777, 0o600);
  t.match(readFileSync(key, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
  t.match(readFileSync(pub, 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/);
  t.equal(readSigningKey(key).asymmetricKeyType, 'ed25519');
  const before = readFileSync(key, 'utf8');
  const again = await runCli(keygen, ['--out', dir]);
  t.equal(again.status, 1);
  t.match(again.stderr, /audit-signing\.key: .*EEXIST.*never overwritten/);
  t.equal(readFileSync(key, 'utf8'), before, 'the existing key is untouched');
  t.equal((await runCli(keygen, [])).status, 2, 'no --out: usage');
});

t.test('a key written by openssl genpkey is accepted', async (t) => {
  const dir = t.testdir();
  const key = join(dir, 'k.pem');
  try {
    execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', key], { stdio: 'ignore' });
  } catch {
    t.comment('no openssl here');
    return;
  }
  t.equal(readSigningKey(key).asymmetricKeyType, 'ed25519');
  const rsa = join(dir, 'rsa.pem');
  execFileSync('openssl', ['genpkey', '-algorithm', 'rsa', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', rsa], { stdio: 'ignore' });
  t.throws(() => readSigningKey(rsa), /is rsa, not Ed25519/);
});

t.test('verify --public-key: OK with the checkpoints beside the log or named; BROKEN names the place; exit codes', async (t) => {
  const dir = t.testdir();
  const keys = join(dir, 'keys');
  await runCli(keygen, ['--out', keys]);
  const key = readSigningKey(join(keys, 'audit-signing.key'));
  const log = join(dir, 'log', 'audit.log');
  writeEntries({ path: log, maxBytes: 6000, checkpoints: { key, everyLines: 4 } }, 20);
  const pub = join(keys, 'audit-signing.pub');
  const ok = await runCli(verify, [log, '--public-key', pub]);
  t.match(ok.stdout, /^OK: 20 lines in \d+ files, chain intact, \d+ signed checkpoints agree\n$/);
  t.equal(ok.status, 0);
  const named = await runCli(verify, [join(dir, 'log'), '--public-key', pub, '--checkpoints', `${log}.checkpoints`]);
  t.equal(named.stdout, ok.stdout, 'a directory and an explicit checkpoint path');

  writeRawLines(log, rawLines(log).slice(0, -1));
  const cut = await runCli(verify, [log, '--public-key', pub]);
  t.match(cut.stdout, new RegExp(`^BROKEN: ${log}:\\d+: the log ends at chain line 19 but checkpoint \\d+ .* covers 20: the newest lines were cut off\\n$`));
  t.equal(cut.status, 1);

  const other = join(dir, 'other');
  await runCli(keygen, ['--out', other]);
  const wrongKey = await runCli(verify, [log, '--public-key', join(other, 'audit-signing.pub')]);
  t.match(wrongKey.stdout, /^BROKEN: .*audit\.log\.checkpoints:1: the signature does not verify/);

  t.equal((await runCli(verify, [log, join(dir, 'other-replica'), '--public-key', pub, '--checkpoints', `${log}.checkpoints`])).status, 2, '--checkpoints names one series only');
  t.equal((await runCli(verify, [log, '--checkpoints', 'x'])).status, 2, '--checkpoints without --public-key');
  writeFileSync(join(dir, 'not-a-key.pem'), 'nope');
  t.equal((await runCli(verify, [log, '--public-key', join(dir, 'not-a-key.pem')])).status, 2, 'an unreadable key is bad usage');
});

t.test('verify --public-key with several replicas\' logs: one answer per series, each against its own checkpoints', async (t) => {
  const dir = t.testdir();
  const keys = join(dir, 'keys');
  await runCli(keygen, ['--out', keys]);
  const key = readSigningKey(join(keys, 'audit-signing.key'));
  const pub = join(keys, 'audit-signing.pub');
  const [a, b] = [join(dir, 'replica-a', 'audit.log'), join(dir, 'replica-b', 'audit.log')];
  writeEntries({ path: a, maxBytes: 6000, checkpoints: { key, everyLines: 4 }, replica: 'replica-a' }, 12);
  writeEntries({ path: b, maxBytes: 6000, checkpoints: { key, everyLines: 4 }, replica: 'replica-b' }, 20);
  const both = await runCli(verify, ['--public-key', pub, a, b]);
  t.equal(both.status, 0);
  t.match(both.stdout, new RegExp(`^OK: ${a}: 12 lines in \\d+ files, chain intact, \\d+ signed checkpoints agree\nOK: ${b}: 20 lines in \\d+ files, chain intact, \\d+ signed checkpoints agree\n$`));

  const lines = rawLines(a);
  writeRawLines(a, [...lines.slice(0, 3), ...lines.slice(4)]);
  const broken = await runCli(verify, ['--public-key', pub, a, b]);
  t.equal(broken.status, 1, 'one broken series fails the run');
  t.match(broken.stdout, new RegExp(`^BROKEN: ${a}: .*\nOK: ${b}: 20 lines`), 'and the intact one is still reported');
});

/** A test directory with a signing key pair made by keygen, and where a log goes in it. */
async function signedLogSetup(t: { testdir(): string }) {
  const dir = t.testdir();
  const keys = join(dir, 'keys');
  await runCli(keygen, ['--out', keys]);
  const logDir = join(dir, 'log');
  return { key: readSigningKey(join(keys, 'audit-signing.key')), pub: join(keys, 'audit-signing.pub'), logDir, log: join(logDir, 'audit.log') };
}

t.test('verify --public-key against a hand on the volume: planted files, removed checkpoints, a path as typed', async (t) => {
  const { key, pub, logDir, log } = await signedLogSetup(t);
  writeEntries({ path: log, maxBytes: 6000, checkpoints: { key, everyLines: 4 } }, 20);
  const files = seriesIn(logDir);
  t.ok(files.length >= 3, 'a rotated series');

  const typed = await runCli(verify, [`./${relative(process.cwd(), log)}`, '--public-key', pub]);
  t.match(typed.stdout, /^OK: 20 lines/, 'a path given as ./dir/audit.log is the same series');

  // A made-up file sorting before the files the newest checkpoint covers (query and export would show its lines).
  const planted = join(logDir, 'audit.log.000000');
  writeRawLines(planted, rawLines(files[0] ?? log).slice(0, 2));
  const plantedRun = await runCli(verify, [log, '--public-key', pub]);
  t.match(plantedRun.stdout, new RegExp(`^BROKEN: ${planted}:0: not a file checkpoint \\d+ covers, yet it sorts before files it covers`));
  t.equal(plantedRun.status, 1);
  rmSync(planted);

  // The checkpoints removed and the gateway started again: it cannot tell why, so the first new checkpoint says so.
  rmSync(`${log}.checkpoints`);
  writeEntries({ path: log, maxBytes: 6000, checkpoints: { key, everyLines: 4 } }, 4, 20);
  const adopted = await runCli(verify, [log, '--public-key', pub]);
  t.match(adopted.stdout, /^OK: 24 lines .*\nNOTE: checkpoint 1 \(.*\) was the first, and signed 2\d lines already on disk that no checkpoint had signed/);
  t.equal(adopted.status, 0);
});

t.test('verify --public-key: a whole log deleted beside its checkpoints is BROKEN, not a mistyped path', async (t) => {
  const { key, pub, logDir, log } = await signedLogSetup(t);
  writeEntries({ path: log, maxBytes: 6000, checkpoints: { key, everyLines: 4 } }, 12);
  for (const file of seriesIn(logDir)) rmSync(file);
  const run = await runCli(verify, [log, '--public-key', pub]);
  t.match(run.stdout, /^BROKEN: .*missing: checkpoint \d+ covers this file/);
  t.equal(run.status, 1);
  const unsigned = await runCli(verify, [log]);
  t.equal(unsigned.status, 2, 'without a key there is nothing to go on: a usage error');
});
