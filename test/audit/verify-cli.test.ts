import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { rawLines, runTs, seriesIn, writeEntries, writeRawLines } from './.fixtures/audit-files.js';

const CLI = 'src/audit/verify-cli.ts';

function rotatedLog(dir: string): string[] {
  writeEntries({ path: join(dir, 'audit.log'), maxBytes: 2000 }, 10);
  return seriesIn(dir);
}

t.test('OK: files given explicitly, a live file with its rotated series, or their directory', (t) => {
  const dir = t.testdir();
  const series = rotatedLog(dir);
  const expected = `OK: 10 lines in ${series.length} files, chain intact\n`;
  for (const args of [series, [join(dir, 'audit.log')], [dir]]) {
    const run = runTs(CLI, args);
    t.equal(run.stdout, expected, `stdout for ${args.length} argument(s)`);
    t.equal(run.stderr, '');
    t.equal(run.status, 0, 'exit 0');
  }
  t.end();
});

t.test('BROKEN: names the file and line, exit 1', (t) => {
  const dir = t.testdir();
  const series = rotatedLog(dir);
  const victim = series[2] ?? '';
  const lines = rawLines(victim);
  writeRawLines(victim, [lines[0] ?? '', (lines[1] ?? '').replace('"status":200', '"status":500'), ...lines.slice(2)]);
  const run = runTs(CLI, [join(dir, 'audit.log')]);
  t.equal(run.stdout, `BROKEN: ${victim}:2: hash does not match the line's content: the line was altered\n`);
  t.equal(run.status, 1, 'exit 1');
  t.end();
});

t.test('a series is put in chain order even when the names disagree; files given explicitly are not', (t) => {
  const dir = t.testdir();
  const [first = '', second = ''] = rotatedLog(dir);
  renameSync(first, `${first}.tmp`);
  renameSync(second, first);
  renameSync(`${first}.tmp`, second);
  const bySeries = runTs(CLI, [dir]);
  t.match(bySeries.stdout, /^OK: 10 lines in \d+ files, chain intact\n$/);
  t.equal(bySeries.status, 0);
  const asGiven = runTs(CLI, seriesIn(dir));
  t.equal(asGiven.stdout, `BROKEN: ${first}:1: prevHash is not the genesis hash: the lines or files before this one are missing\n`);
  t.equal(asGiven.status, 1);
  t.end();
});

t.test('a deleted middle file breaks the series', (t) => {
  const dir = t.testdir();
  const series = rotatedLog(dir);
  rmSync(series[1] ?? '');
  const run = runTs(CLI, [dir]);
  t.ok(run.stdout.startsWith(`BROKEN: ${series[2]}:1: prevHash does not match the last hash of ${series[0]}: `), run.stdout);
  t.equal(run.status, 1);
  t.end();
});

t.test('--start-hash=any for a series whose oldest files were removed', (t) => {
  const dir = t.testdir();
  const [oldest = '', ...rest] = rotatedLog(dir);
  rmSync(oldest);
  t.equal(runTs(CLI, [dir]).status, 1, 'genesis expected by default');
  const run = runTs(CLI, ['--start-hash=any', dir]);
  t.match(run.stdout, new RegExp(`^OK: \\d+ lines in ${rest.length} files, chain intact\\n$`));
  t.equal(run.status, 0);
  t.end();
});

t.test('bad usage: exit 2 with a usage line', (t) => {
  for (const args of [[], ['--start-hash=xyz', 'a.log'], ['--frobnicate', 'a.log']]) {
    const run = runTs(CLI, args);
    t.equal(run.status, 2, `exit 2 for ${JSON.stringify(args)}`);
    t.match(run.stderr, /usage: audit:verify/);
    t.equal(run.stdout, '');
  }
  t.end();
});
