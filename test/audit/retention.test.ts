import { readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import t from 'tap';
import { main } from '../../src/cli/audit-verify.js';
import { runCli } from '../cli/fixtures/run-cli.js';
import { rawLines, seriesIn, writeEntries, type WrittenLine } from './.fixtures/audit-files.js';

const filesIn = (dir: string): string[] => readdirSync(dir).filter((name) => !name.startsWith('.'));

t.test('AUDIT_RETAIN_FILES: rotation deletes the oldest rotated files, and the trimmed series still verifies, saying so', async (t) => {
  const dir = t.testdir();
  writeEntries({ path: join(dir, 'audit.log'), maxBytes: 2000, retainFiles: 2 }, 40);
  const names = seriesIn(dir).map((file) => basename(file));
  t.equal(filesIn(dir).length, 3, 'two rotated files and the live file');
  t.equal(names.at(-1), 'audit.log');
  t.not(names[0], 'audit.log.000001', 'the oldest files were removed');

  const run = await runCli(main, [join(dir, 'audit.log')]);
  const oldest = join(dir, names[0] ?? '');
  t.match(run.stdout, new RegExp(`^OK: \\d+ lines in 3 files, chain intact \\(from the oldest kept file, ${oldest.replace(/[.]/g, '\\.')}: older files were removed by retention\\)\n$`));
  t.equal(run.status, 0);

  const strict = await runCli(main, ['--start-hash', '0'.repeat(64), join(dir, 'audit.log')]);
  t.equal(strict.status, 1, 'a start hash given explicitly is still checked');

  rmSync(oldest);
  const more = await runCli(main, [join(dir, 'audit.log')]);
  t.match(more.stdout, /^BROKEN: /, 'a kept file removed by hand afterwards is still reported');
  t.equal(more.status, 1);
});

t.test('AUDIT_RETAIN_BYTES: the series stays near the byte budget, keeping at least the newest rotated file', async (t) => {
  const dir = t.testdir();
  writeEntries({ path: join(dir, 'audit.log'), maxBytes: 2000, retainBytes: 5000 }, 60);
  const sizes = seriesIn(dir).map((file) => statSync(file).size);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  t.ok(total <= 5000 + 2000, `the series holds ${total} bytes: the budget plus at most the file being written`);
  t.ok(seriesIn(dir).some((file) => /\.\d{6}$/.test(basename(file))), 'a rotated file is kept');

  const tiny = t.testdir();
  writeEntries({ path: join(tiny, 'audit.log'), maxBytes: 2000, retainBytes: 1 }, 30);
  t.equal(filesIn(tiny).length, 2, 'a budget smaller than one file still keeps the newest rotated file');
  t.equal((await runCli(main, [tiny])).status, 0, 'and it verifies');
});

t.test('without retention settings nothing is deleted, and a complete series verifies from genesis as before', async (t) => {
  const dir = t.testdir();
  writeEntries({ path: join(dir, 'audit.log'), maxBytes: 2000 }, 40);
  t.ok(filesIn(dir).includes('audit.log.000001'));
  t.match((await runCli(main, [dir])).stdout, /^OK: 40 lines in \d+ files, chain intact\n$/);
});

t.test('each deletion by retention is an audit line of its own, naming the file, its lines and where the kept series starts', async (t) => {
  const dir = t.testdir();
  const live = join(dir, 'audit.log');
  writeEntries({ path: live, maxBytes: 2000, retainFiles: 2 }, 40);
  const lines = seriesIn(dir).flatMap((file) => rawLines(file).map((text) => JSON.parse(text) as WrittenLine));
  const events = lines.filter((line) => line.channel === 'gateway' && line.operation === 'retentionRemoved');
  const requests = lines.filter((line) => line.channel !== 'gateway');
  const kept = new Set(filesIn(dir));
  t.ok(events.length > 0, 'the deletions are on the record');
  const removed = events.map((event) => (event.change as { file: string }).file);
  t.same(removed, [...removed].sort(), 'oldest first');
  for (const name of removed) t.notOk(kept.has(name), `${name} was deleted`);
  const newest = events.at(-1)?.change as { lines: number; bytes: number; lastHash: string; rule: string } | undefined;
  t.equal(newest?.rule, 'AUDIT_RETAIN_FILES');
  t.ok((newest?.lines ?? 0) > 0 && (newest?.bytes ?? 0) > 0, 'with its size in lines and bytes');
  const oldestKept = seriesIn(dir)[0] ?? '';
  t.equal(newest?.lastHash, (JSON.parse(rawLines(oldestKept)[0] ?? '{}') as WrittenLine).prevHash, 'its last hash is where the oldest kept file starts');
  t.ok(requests.length < 40, 'older request lines went with their files');
  t.equal((await runCli(main, [live])).status, 0, 'the event lines are chained with the rest');
});
