import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, renameSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { childArgs, parsedLines, rawLines, repoRoot, runUnderFileSizeLimit, sampleEntry, writeEntries, writeRawLines, type WrittenLine } from './.fixtures/audit-files.js';

const GENESIS = '0'.repeat(64);

/** The hash definition, written out independently of src/audit so that both cannot drift together. */
function expectedHash(raw: string): string {
  const { prevHash } = JSON.parse(raw) as WrittenLine;
  const body = `${raw.replace(/,"hash":"[0-9a-f]{64}"\}$/, '')}}`;
  return createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');
}

t.test('each line is in the file when write() returns, and holds exactly the entry plus its chain fields', (t) => {
  const path = join(t.testdir(), 'audit.log');
  const log = AuditLog.open({ path });
  for (let i = 0; i < 5; i++) {
    const entry = sampleEntry(i);
    log.write(entry);
    const lines = parsedLines(path);
    t.equal(lines.length, i + 1, `line ${i + 1} is on disk with no await in between`);
    const { prevHash, hash, ...rest } = lines[i] as WrittenLine;
    t.same(rest, entry, 'the entry, its own time included, and nothing else (no pino level, time, pid or hostname)');
    t.match(prevHash, /^[0-9a-f]{64}$/);
    t.match(hash, /^[0-9a-f]{64}$/);
  }
  log.close();
  t.end();
});

t.test('the chain starts from genesis and each line carries the hash of the one before', (t) => {
  const path = join(t.testdir(), 'audit.log');
  writeEntries({ path }, 20);
  const lines = parsedLines(path);
  const raw = rawLines(path);
  t.equal(lines[0]?.prevHash, GENESIS, 'genesis prevHash');
  lines.forEach((line, i) => {
    t.equal(line.hash, expectedHash(raw[i] ?? ''), `line ${i + 1}: hash = sha256(prevHash + "\\n" + the line's text without its hash member)`);
    if (i > 0) t.equal(line.prevHash, lines[i - 1]?.hash, `line ${i + 1}: prevHash is line ${i}'s hash`);
  });
  t.end();
});

t.test('a reopened log continues the chain from its last line', (t) => {
  const path = join(t.testdir(), 'audit.log');
  writeEntries({ path }, 3);
  writeEntries({ path }, 3, 3);
  const lines = parsedLines(path);
  t.equal(lines.length, 6);
  t.equal(lines[3]?.prevHash, lines[2]?.hash, 'the first line after the restart links to the last one before');
  t.notOk(lines.some((line) => 'chainRestart' in line), 'no restart recorded');
  t.same(verifyAuditFiles([path]), { ok: true, lines: 6, files: 1 });
  t.end();
});

t.test('an empty existing file starts from genesis', (t) => {
  const path = join(t.testdir({ 'audit.log': '' }), 'audit.log');
  writeEntries({ path }, 2);
  t.equal(parsedLines(path)[0]?.prevHash, GENESIS);
  t.ok(verifyAuditFiles([path]).ok);
  t.end();
});

t.test('an unreadable last line: the log starts anyway, records chainRestart, and verify names the bad line', (t) => {
  const path = join(t.testdir(), 'audit.log');
  writeEntries({ path }, 3);
  appendFileSync(path, '{"time":"2025-01-01T12:00:00.003Z","requestId":"req-'); // a torn write
  writeEntries({ path }, 2, 3);
  const lines = rawLines(path);
  t.equal(lines.length, 6, 'the fragment was closed with a newline, so new lines are not glued onto it');
  t.equal(lines[3], '{"time":"2025-01-01T12:00:00.003Z","requestId":"req-', 'the fragment is kept as evidence');
  const restarted = JSON.parse(lines[4] ?? '') as WrittenLine;
  t.equal(restarted.chainRestart, true);
  t.equal(restarted.prevHash, GENESIS, 'a restarted chain starts from genesis');
  t.equal((JSON.parse(lines[5] ?? '') as WrittenLine).prevHash, restarted.hash, 'and goes on from there');
  t.same(verifyAuditFiles([path]).firstBreak, { file: path, line: 4, reason: 'not valid JSON' });

  writeRawLines(path, [...lines.slice(0, 3), ...lines.slice(4)]);
  t.match(verifyAuditFiles([path]).firstBreak, { line: 4, reason: /chainRestart/ }, 'without the fragment, the restart itself is the break');
  t.end();
});

t.test('a last line that only lacks its final newline is continued, not restarted', (t) => {
  const path = join(t.testdir(), 'audit.log');
  writeEntries({ path }, 2);
  truncateSync(path, statSync(path).size - 1);
  writeEntries({ path }, 1, 2);
  t.notOk(parsedLines(path).some((line) => 'chainRestart' in line));
  t.same(verifyAuditFiles([path]), { ok: true, lines: 3, files: 1 });
  t.end();
});

t.test('open creates the directory and fails clearly when the path cannot be written', (t) => {
  const dir = t.testdir({ 'not-a-dir': 'x', 'a-dir': {} });
  const nested = join(dir, 'deep', 'er', 'audit.log');
  writeEntries({ path: nested }, 1);
  t.equal(parsedLines(nested).length, 1, 'missing directories are created');
  t.throws(() => AuditLog.open({ path: join(dir, 'not-a-dir', 'audit.log') }), /audit log: cannot create the directory of .*not-a-dir/);
  t.throws(() => AuditLog.open({ path: join(dir, 'a-dir') }), /audit log: .*a-dir cannot be opened for writing: EISDIR/);
  t.end();
});

t.test('close flushes and closes; writing afterwards throws', (t) => {
  const path = join(t.testdir(), 'audit.log');
  const log = AuditLog.open({ path });
  log.write(sampleEntry(0));
  log.close();
  log.close();
  t.equal(log.isWritable(), false);
  t.throws(() => log.write(sampleEntry(1)), /is closed/);
  t.equal(parsedLines(path).length, 1);
  t.end();
});

t.test('isWritable: true while the file at path is the one being written', (t) => {
  const dir = t.testdir();
  const path = join(dir, 'audit.log');
  const log = AuditLog.open({ path });
  t.equal(log.path, path);
  t.equal(log.isWritable(), true);
  unlinkSync(path);
  t.equal(log.isWritable(), false, 'deleted: lines would go to an unlinked file');
  writeFileSync(path, '');
  t.equal(log.isWritable(), false, 'replaced by another file');
  log.close();
  t.end();
});

t.test('a failed write throws, and the file keeps no fragment of it', (t) => {
  const path = join(t.testdir(), 'audit.log');
  const result = runUnderFileSizeLimit('sizeLimitedWriter', path);
  t.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { written: number; errors: string[] };
  t.ok(report.written > 10, 'lines went in until the limit');
  t.equal(report.errors.length, 2, 'the failing write threw, and so did the next one');
  t.match(report.errors[0], /audit log .*audit\.log: write failed: EFBIG/);
  t.ok(statSync(path).size <= 64 * 1024, "within bash's `ulimit -f 64` (KiB)");
  t.same(verifyAuditFiles([path]), { ok: true, lines: report.written, files: 1 }, 'the half-written line was cut away');

  writeEntries({ path }, 2, report.written);
  t.same(verifyAuditFiles([path]), { ok: true, lines: report.written + 2, files: 1 }, 'and the chain goes on from the last good line');
  t.end();
});

t.test('a write to a full device throws every time rather than being lost', { skip: !existsSync('/dev/full') }, (t) => {
  const log = AuditLog.open({ path: '/dev/full' });
  t.throws(() => log.write(sampleEntry(0)), /write failed: ENOSPC/);
  t.throws(() => log.write(sampleEntry(1)), /write failed: ENOSPC/);
  log.close();
  t.end();
});

t.test('rotation by size keeps the chain across files', (t) => {
  const dir = t.testdir();
  const path = join(dir, 'audit.log');
  const maxBytes = 3000;
  writeEntries({ path, maxBytes }, 100);
  const files = readdirSync(dir).sort();
  t.ok(files.length > 5, `several files (${files.length})`);
  t.same(files.slice(0, 3), ['audit.log', 'audit.log.000001', 'audit.log.000002'], 'rotated names: <live>.<n>, six digits, from 1');
  const series = [...files.slice(1), 'audit.log'].map((name) => join(dir, name));
  for (const file of series) t.ok(statSync(file).size <= maxBytes, `${file} within maxBytes`);
  for (let i = 1; i < series.length; i++) {
    const before = parsedLines(series[i - 1] ?? '');
    t.equal(parsedLines(series[i] ?? '')[0]?.prevHash, before.at(-1)?.hash, `${series[i]} starts from the last hash of the file before`);
  }
  t.same(verifyAuditFiles(series), { ok: true, lines: 100, files: series.length });
  t.same(
    series.flatMap((file) => parsedLines(file).map((line) => line.requestId)),
    Array.from({ length: 100 }, (_, i) => `req-${i}`),
    'every line once, in order',
  );

  const missing = series[2] ?? '';
  rmSync(missing);
  const result = verifyAuditFiles(series.filter((file) => file !== missing));
  t.equal(result.ok, false, 'a deleted middle file is detected');
  t.match(result.firstBreak, { file: series[3], line: 1, reason: /last hash of .*audit\.log\.000002: a file between them is missing/ });
  t.end();
});

t.test('a reopened log continues from the newest rotated file when the live file is missing', (t) => {
  const dir = t.testdir();
  const path = join(dir, 'audit.log');
  writeEntries({ path, maxBytes: 2000 }, 10);
  const rotated = readdirSync(dir).filter((name) => name !== 'audit.log').sort();
  const next = `audit.log.${String(rotated.length + 1).padStart(6, '0')}`;
  renameSync(path, join(dir, next)); // a rotation whose first write never happened
  writeEntries({ path }, 3, 10);
  const series = [...rotated, next, 'audit.log'].map((name) => join(dir, name));
  t.same(readdirSync(dir).length, series.length);
  t.same(verifyAuditFiles(series), { ok: true, lines: 13, files: series.length });
  t.end();
});

t.test('daily rotation happens before the first line of a new UTC day, also across restarts', (t) => {
  const dir = t.testdir();
  const path = join(dir, 'audit.log');
  let now = new Date('2025-03-01T23:59:58.000Z');
  const clock = () => now;
  const at = (i: number): AuditEntry => sampleEntry(i, { time: now.toISOString() });

  let log = AuditLog.open({ path, rotateDaily: true, now: clock });
  log.write(at(0));
  log.write(at(1));
  now = new Date('2025-03-02T00:00:01.000Z');
  log.write(at(2));
  log.close();
  t.same(readdirSync(dir).sort(), ['audit.log', 'audit.log.000001']);
  t.same(parsedLines(join(dir, 'audit.log.000001')).map((l) => l.requestId), ['req-0', 'req-1'], 'yesterday');
  t.same(parsedLines(path).map((l) => l.requestId), ['req-2'], 'today');

  log = AuditLog.open({ path, rotateDaily: true, now: clock });
  log.write(at(3));
  log.close();
  t.same(readdirSync(dir).sort(), ['audit.log', 'audit.log.000001'], 'a restart on the same day keeps the file');

  now = new Date('2025-03-04T08:00:00.000Z');
  log = AuditLog.open({ path, rotateDaily: true, now: clock });
  log.write(at(4));
  log.close();
  t.same(readdirSync(dir).sort(), ['audit.log', 'audit.log.000001', 'audit.log.000002'], 'a restart days later rotates first');
  const series = ['audit.log.000001', 'audit.log.000002', 'audit.log'].map((name) => join(dir, name));
  t.same(verifyAuditFiles(series), { ok: true, lines: 5, files: 3 });
  t.end();
});

t.test('any JSON-safe content verifies after being written: no truncation, reordering or encoding loss', (t) => {
  const path = join(t.testdir(), 'audit.log');
  const log = AuditLog.open({ path });
  const deep = Array.from({ length: 12 }).reduce<unknown>((inner) => ({ z: inner, a: [inner] }), 'bottom');
  log.write(sampleEntry(0, { change: { users: Array.from({ length: 500 }, (_, i) => `user_${i}`), deep } }));
  const written = parsedLines(path)[0]?.change as { users: string[] };
  t.equal(written.users.length, 500, 'pino wrote the whole array (its edgeLimit does not apply)');

  const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
  const text = fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), loneSurrogate), maxLength: 120 });
  let lines = 1;
  fc.assert(
    fc.property(fc.dictionary(text, fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 })), text, text, (change, path, clientId) => {
      log.write(sampleEntry(lines, { change, path, clientId, targets: { group: path } }));
      lines += 1;
      const result = verifyAuditFiles([log.path]);
      return result.ok && result.lines === lines;
    }),
    { numRuns: 150 },
  );
  log.close();
  t.same(verifyAuditFiles([path]), { ok: true, lines, files: 1 });
  t.end();
});

t.test('path "-" writes hash-chained lines to stdout', (t) => {
  const run = spawnSync(process.execPath, childArgs('stdoutWriter', []), { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  t.equal(run.status, 0, run.stderr);
  const path = join(t.testdir(), 'from-stdout.log');
  const auditLines = run.stdout.split('\n').filter((line) => line.startsWith('{"log":"vtgw-audit",'));
  t.equal(auditLines.length, 3, 'each audit line starts with the marker, the operational line does not');
  writeFileSync(path, auditLines.map((line) => `${line}\n`).join(''));
  t.same(parsedLines(path).map((line) => line.requestId), ['req-0', 'req-1', 'req-2']);
  t.same(verifyAuditFiles([path]), { ok: true, lines: 3, files: 1 }, 'the marker is inside the hashed bytes');
  writeFileSync(path, auditLines.map((line) => `${line.replace('{"log":"vtgw-audit",', '{')}\n`).join(''));
  t.equal(verifyAuditFiles([path]).ok, false, 'a line stripped of its marker no longer verifies');
  t.end();
});

t.test('on stdout with a state file, the chain goes on across restarts', (t) => {
  const dir = t.testdir();
  const state = join(dir, 'audit.state');
  const runs = ['0', '3'].map((from) => spawnSync(process.execPath, childArgs('stdoutWriter', [state, from]), { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 }));
  const path = join(dir, 'captured.log');
  const captured = runs.map((run) => run.stdout).join('');
  writeFileSync(path, captured.split('\n').filter((line) => line.startsWith('{"log":"vtgw-audit",')).map((line) => `${line}\n`).join(''));
  t.same(verifyAuditFiles([path]), { ok: true, lines: 6, files: 1 }, 'one chain over both runs');
  t.end();
});

t.test('a change that cannot be written as JSON still leaves a line saying who did what, and why the change is missing', (t) => {
  const path = join(t.testdir(), 'audit.log');
  const log = AuditLog.open({ path });
  const change: Record<string, unknown> = {};
  change.self = change;
  const entry: AuditEntry = { ...sampleEntry(0), change };
  t.doesNotThrow(() => log.write(entry), 'the line is stored');
  const [line] = parsedLines(path);
  t.match(line, { requestId: entry.requestId, operation: entry.operation, change: { unrecorded: /could not be written/ } });
  t.equal(verifyAuditFiles([path]).ok, true, 'the chain verifies');
  log.close();
  t.end();
});
