import { generateKeyPairSync } from 'node:crypto';
import { renameSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { readCheckpointLine, signedCheckpointLine, type Checkpoint } from '../../src/audit/checkpoint.js';
import { Checkpointer } from '../../src/audit/checkpointer.js';
import { chainLine, type ChainLink } from '../../src/audit/line.js';
import { verifyWithCheckpoints } from '../../src/audit/verify-checkpoints.js';
import { rawLines, seriesIn, writeEntries, writeRawLines } from './.fixtures/audit-files.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');

/** Three restarts of a log that rotates every ~6000 bytes (about 9 lines), checkpointing every 3 lines: 30 lines in several files. */
function signedLog(dir: string, opts: { retainFiles?: number } = {}): string[] {
  const log = { path: join(dir, 'audit.log'), maxBytes: 6000, checkpoints: { key: privateKey, everyLines: 3 }, ...opts };
  writeEntries(log, 10, 0);
  writeEntries(log, 10, 10);
  writeEntries(log, 10, 20);
  return seriesIn(dir);
}

const check = (dir: string) => verifyWithCheckpoints(dir, join(dir, 'audit.log.checkpoints'), publicKey);
const reasonOf = (dir: string) => check(dir).firstBreak;

/** Rewrites the series as an attacker with the README's formula would: every hash recomputed, file boundaries kept. */
function recomputeChain(files: string[], edit: (lines: string[][]) => void): void {
  const contents = files.map((file) => rawLines(file).filter((line) => line !== ''));
  edit(contents);
  let link: ChainLink = { prevHash: '0'.repeat(64), chainRestart: false };
  for (const [i, file] of files.entries()) {
    const rewritten = (contents[i] ?? []).map((line) => {
      const fields = `${line.slice(0, line.indexOf(',"prevHash":'))}}`;
      const chained = chainLine(fields, link);
      link = { prevHash: chained.hash, chainRestart: false };
      return chained.text.slice(0, -1);
    });
    writeRawLines(file, rewritten);
  }
}

t.test('an intact multi-file, multi-restart log verifies clean against its checkpoints', async (t) => {
  const dir = t.testdir();
  const files = signedLog(dir);
  t.ok(files.length >= 3, `${files.length} files`);
  const result = check(dir);
  t.equal(result.firstBreak, undefined);
  t.same({ ok: result.ok, lines: result.lines, files: result.files, unsigned: result.unsigned }, { ok: true, lines: 30, files: files.length, unsigned: 0 });
  const checkpoints = rawLines(join(dir, 'audit.log.checkpoints'));
  const reasons = checkpoints.map((line) => (JSON.parse(line) as Checkpoint).reason);
  t.ok(reasons.includes('rotation') && reasons.includes('lines') && reasons.includes('shutdown'), reasons.join(','));
});

t.test('an edited line (hash not recomputed) is named', async (t) => {
  const dir = t.testdir();
  const [, victim = ''] = signedLog(dir);
  const lines = rawLines(victim);
  writeRawLines(victim, [lines[0] ?? '', (lines[1] ?? '').replace('"status":200', '"status":403'), ...lines.slice(2)]);
  t.same(reasonOf(dir), { file: victim, line: 2, reason: "hash does not match the line's content: the line was altered" });
});

t.test('a deleted, an inserted and a reordered line are named', async (t) => {
  for (const [name, change] of [
    ['deleted', (l: string[]) => [l[0] ?? '', ...l.slice(2)]],
    ['inserted', (l: string[]) => [l[0] ?? '', l[0] ?? '', ...l.slice(1)]],
    ['reordered', (l: string[]) => [l[1] ?? '', l[0] ?? '', ...l.slice(2)]],
  ] as const) {
    const dir = t.testdir();
    const [, victim = ''] = signedLog(dir);
    const lines = rawLines(victim);
    writeRawLines(victim, [lines[0] ?? '', lines[1] ?? '', ...change(lines.slice(2))]);
    const found = reasonOf(dir);
    t.equal(found?.file, victim, name);
    t.match(found?.reason, /prevHash does not match/, `${name}: ${found?.reason}`);
  }
});

t.test('a rewrite with every hash recomputed (a line dropped) is named at the first checkpoint it contradicts', async (t) => {
  const dir = t.testdir();
  const files = signedLog(dir);
  recomputeChain(files, (contents) => contents[1]?.splice(0, 1));
  const found = reasonOf(dir);
  t.equal(found?.file, files[1]);
  t.match(found?.reason, /checkpoint \d+ .* signed another hash for chain line \d+: the log was rewritten at or before this line/);
});

t.test('a rewrite with recomputed hashes that changes a value, not the line count, is named too', async (t) => {
  const dir = t.testdir();
  const files = signedLog(dir);
  recomputeChain(files, (contents) => {
    const first = contents[0];
    if (first !== undefined) first[0] = (first[0] ?? '').replace('"clientIp":"10.0.0.7"', '"clientIp":"10.9.9.9"');
  });
  t.match(reasonOf(dir), { file: files[0], reason: /signed another hash for chain line 3:/ });
});

t.test('lost newest lines that a checkpoint covers are named', async (t) => {
  const dir = t.testdir();
  const files = signedLog(dir);
  const live = files.at(-1) ?? '';
  const lines = rawLines(live);
  writeRawLines(live, lines.slice(0, -2));
  t.match(reasonOf(dir), { file: live, reason: /the log ends at chain line 28 but checkpoint \d+ .* covers 30: the newest lines were cut off/ });
  truncateSync(live, 0);
  t.match(reasonOf(dir), { reason: /the newest lines were cut off/ }, 'the whole live file emptied');
});

t.test('a missing rotated file and a moved one are named (no silent re-ordering by the chain)', async (t) => {
  const dir = t.testdir();
  const files = signedLog(dir);
  rmSync(files[1] ?? '');
  t.same(reasonOf(dir), {
    file: files[1],
    line: 0,
    reason: `missing: checkpoint ${countCheckpoints(dir)} covers this file (chain lines from ${firstLineIn(dir, 1)}): it was deleted, moved or renamed`,
  });

  const again = t.testdir();
  const [first = '', second = ''] = signedLog(again);
  renameSync(first, `${first}.tmp`);
  renameSync(second, first);
  renameSync(`${first}.tmp`, second);
  t.match(reasonOf(again), { file: first, line: 1, reason: /not the file checkpoint \d+ names here/ });
});

t.test('a forged checkpoint, one signed by another key, and a removed one are named', async (t) => {
  const dir = t.testdir();
  signedLog(dir);
  const path = join(dir, 'audit.log.checkpoints');
  const original = rawLines(path);
  writeRawLines(path, [original[0] ?? '', (original[1] ?? '').replace(/"lines":(\d+)/, '"lines":2'), ...original.slice(2)]);
  t.same(reasonOf(dir), { file: path, line: 2, reason: 'the signature does not verify with the public key: a forged or altered checkpoint' });

  const other = generateKeyPairSync('ed25519').privateKey;
  const forged = JSON.parse((original.at(-1) ?? '').replace(/,"signature":"[^"]*"}$/, '}')) as Checkpoint;
  writeRawLines(path, [...original, signedCheckpointLine({ ...forged, n: forged.n + 1, lines: 1 }, other).slice(0, -1)]);
  t.match(reasonOf(dir), { file: path, line: original.length + 1, reason: /does not verify/ });

  writeRawLines(path, [original[0] ?? '', ...original.slice(2)]);
  t.same(reasonOf(dir), { file: path, line: 2, reason: 'checkpoint 3 follows checkpoint 1: the checkpoints between were removed' });
  t.ok(readCheckpointLine(original[0] ?? '', publicKey).ok, 'the untouched checkpoint still verifies');
});

t.test('after retention deletes old files, the oldest kept file verifies from the checkpoint covering its start', async (t) => {
  const dir = t.testdir();
  const files = signedLog(dir, { retainFiles: 2 });
  t.equal(files.length, 3, 'two rotated files and the live one kept');
  const result = check(dir);
  t.equal(result.firstBreak, undefined);
  t.ok(result.ok);
  t.ok(result.lines < 30 && result.lines > 0, `${result.lines} lines kept`);
  rmSync(files[0] ?? '');
  t.match(reasonOf(dir), { file: files[0], line: 0, reason: /^missing:/ }, 'a kept file removed by hand is still named');
});

t.test('lines written after the newest checkpoint verify as a chain and are counted as unsigned', async (t) => {
  const dir = t.testdir();
  signedLog(dir);
  const live = join(dir, 'audit.log');
  writeEntries({ path: live, maxBytes: 0 }, 2, 30);
  const result = check(dir);
  t.equal(result.firstBreak, undefined);
  t.equal(result.unsigned, 2);
});

function countCheckpoints(dir: string): number {
  return rawLines(join(dir, 'audit.log.checkpoints')).length;
}

function firstLineIn(dir: string, index: number): number {
  const newest = JSON.parse(rawLines(join(dir, 'audit.log.checkpoints')).at(-1) ?? '{}') as Checkpoint;
  return newest.files[index]?.firstLine ?? -1;
}


t.test('opened again after a failed write, the checkpointer signs the chain it followed, not what the disk holds now', async (t) => {
  const dir = t.testdir();
  const live = join(dir, 'audit.log');
  writeEntries({ path: live, checkpoints: { key: privateKey, everyLines: 1000 } }, 6);
  const checkpointer = new Checkpointer(live, { key: privateKey, everyLines: 1000 });
  t.teardown(() => checkpointer.close());
  checkpointer.open();
  const followed = rawLines(live);
  // Meanwhile a hand on the volume rewrites the log with recomputed hashes and one line fewer.
  recomputeChain([live], (contents) => contents[0]?.pop());
  checkpointer.open();
  checkpointer.checkpoint('interval');
  const signed = readCheckpointLine(checkpointer.latest() ?? '', publicKey);
  t.ok(signed.ok);
  t.match(signed.ok ? signed.checkpoint : {}, { lines: 6, lastHash: JSON.parse(followed.at(-1) ?? '{}').hash }, 'the lines it saw written');
  t.match(reasonOf(dir), { reason: /signed another hash|cut off/ }, 'so the rewrite is named');
});

t.test('checkpoints removed from the start of the file are named; a checkpoint line nobody signed does not count at start', async (t) => {
  const dir = t.testdir();
  signedLog(dir);
  const path = join(dir, 'audit.log.checkpoints');
  const checkpointLines = rawLines(path);
  writeRawLines(path, checkpointLines.slice(2));
  t.match(reasonOf(dir), { file: path, line: 1, reason: 'the first checkpoint is 3: checkpoints 1 to 2 were removed' });

  // The checkpoints deleted, a well-formed but unsigned line put in their place: the next start adopts the log.
  const last = checkpointLines.at(-1) ?? '';
  writeRawLines(path, [last.replace(/"signature":"[^"]*"/, '"signature":"AAAA"')]);
  writeEntries({ path: join(dir, 'audit.log'), maxBytes: 6000, checkpoints: { key: privateKey, everyLines: 3 } }, 3, 30);
  const mine = rawLines(path).slice(1);
  t.match(readCheckpointLine(mine[0] ?? '', publicKey), { ok: true, checkpoint: { n: 1, reason: 'adopted' } }, 'numbered from 1, and says it adopts');
});
