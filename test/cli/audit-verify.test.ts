import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { main } from '../../src/cli/audit-verify.js';
import { rawLines, seriesIn, writeEntries, writeRawLines } from '../audit/.fixtures/audit-files.js';
import { runCli } from './fixtures/run-cli.js';

const verify = (args: string[]) => runCli(main, args);

function rotatedLog(dir: string): string[] {
  writeEntries({ path: join(dir, 'audit.log'), maxBytes: 2000 }, 10);
  return seriesIn(dir);
}

t.test('OK: files given explicitly, a live file with its rotated series, or their directory', async (t) => {
  const dir = t.testdir();
  const series = rotatedLog(dir);
  const expected = `OK: 10 lines in ${series.length} files, chain intact\n`;
  for (const args of [series, [join(dir, 'audit.log')], [dir]]) {
    const run = await verify(args);
    t.equal(run.stdout, expected, `stdout for ${args.length} argument(s)`);
    t.equal(run.stderr, '');
    t.equal(run.status, 0, 'exit 0');
  }
});

t.test('BROKEN: names the file and line, exit 1', async (t) => {
  const dir = t.testdir();
  const series = rotatedLog(dir);
  const victim = series[2] ?? '';
  const lines = rawLines(victim);
  writeRawLines(victim, [lines[0] ?? '', (lines[1] ?? '').replace('"status":200', '"status":500'), ...lines.slice(2)]);
  const run = await verify([join(dir, 'audit.log')]);
  t.equal(run.stdout, `BROKEN: ${victim}:2: hash does not match the line's content: the line was altered\n`);
  t.equal(run.status, 1, 'exit 1');
});

t.test('a series is put in chain order even when the names disagree; files given explicitly are not', async (t) => {
  const dir = t.testdir();
  const [first = '', second = ''] = rotatedLog(dir);
  renameSync(first, `${first}.tmp`);
  renameSync(second, first);
  renameSync(`${first}.tmp`, second);
  const bySeries = await verify([dir]);
  t.match(bySeries.stdout, /^OK: 10 lines in \d+ files, chain intact\n$/);
  t.equal(bySeries.status, 0);
  const asGiven = await verify(seriesIn(dir));
  t.equal(asGiven.stdout, `BROKEN: ${first}:1: prevHash is not the genesis hash: the lines or files before this one are missing\n`);
  t.equal(asGiven.status, 1);
});

t.test('a deleted middle file breaks the series', async (t) => {
  const dir = t.testdir();
  const series = rotatedLog(dir);
  rmSync(series[1] ?? '');
  const run = await verify([dir]);
  t.ok(run.stdout.startsWith(`BROKEN: ${series[2]}:1: prevHash does not match the last hash of ${series[0]}: `), run.stdout);
  t.equal(run.status, 1);
});

t.test('--start-hash=any for a series whose oldest files were removed', async (t) => {
  const dir = t.testdir();
  const [oldest = '', ...rest] = rotatedLog(dir);
  rmSync(oldest);
  t.equal((await verify([dir])).status, 1, 'genesis expected by default');
  for (const args of [['--start-hash=any', dir], ['--start-hash', 'any', dir]]) {
    const run = await verify(args);
    t.match(run.stdout, new RegExp(`^OK: \\d+ lines in ${rest.length} files, chain intact\\n$`), args.join(' '));
    t.equal(run.status, 0);
  }
});

t.test('bad usage: what is wrong, then the usage, on stderr; exit 2', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [[], /^no file given\n/],
    [['--start-hash=xyz', 'a.log'], /^bad --start-hash: xyz\n/],
    [['--start-hash'], /^Option '--start-hash <value>' argument missing\n/],
    [['--frobnicate', 'a.log'], /^Unknown option '--frobnicate'\n/],
    [['no-such-dir/audit.log'], /^no-such-dir\/audit\.log: no audit log there \(no such file or directory; in the image the log is under \/var\/lib\/vt-access-gateway\/audit\)\n/],
    [['no-such-dir/audit.log', '--public-key', 'k.pub'], /^no-such-dir\/audit\.log: no audit log there/],
  ];
  for (const [args, expected] of cases) {
    const run = await verify(args);
    t.equal(run.status, 2, `exit 2 for ${JSON.stringify(args)}`);
    t.match(run.stderr, expected);
    t.match(run.stderr, /\nusage: vtgw audit verify \[--start-hash=<64 hex digits>\|any\] <file\|directory>\.\.\.\n {7}vtgw audit verify --public-key PUB\.pem \[--checkpoints PATH\] <live file\|directory>\.\.\.\n$/);
    t.equal(run.stdout, '');
  }
});

t.test('--help: the usage on stdout, exit 0', async (t) => {
  const run = await verify(['--help']);
  t.match(run.stdout, /^usage: vtgw audit verify /);
  t.equal(run.status, 0);
});
