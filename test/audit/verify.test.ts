import { statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { bodyHash, withHash } from '../../src/audit/line.js';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { rawLines, seriesIn, writeEntries, writeRawLines, type WrittenLine } from './.fixtures/audit-files.js';

/** An intact log of `count` lines in `dir`, and its raw lines. */
function intactLog(dir: string, count = 100): { path: string; lines: string[] } {
  const path = join(dir, 'audit.log');
  writeEntries({ path }, count);
  return { path, lines: rawLines(path) };
}

function at(lines: string[], lineNumber: number): WrittenLine {
  return JSON.parse(lines[lineNumber - 1] ?? '') as WrittenLine;
}

/** A line with this content (prevHash included), hashed as the writer would. */
function rehashed(content: Record<string, unknown> & { prevHash: string }): string {
  const body = JSON.stringify(content);
  return withHash(body, bodyHash(content.prevHash, body)).trimEnd();
}

function withLine(lines: string[], lineNumber: number, line: string): string[] {
  return lines.map((text, i) => (i === lineNumber - 1 ? line : text));
}

t.test('an intact log of 100 lines verifies', (t) => {
  const { path } = intactLog(t.testdir());
  t.same(verifyAuditFiles([path]), { ok: true, lines: 100, files: 1 });
  t.end();
});

t.test('tampering is detected at the first line it breaks', (t) => {
  const cases: [string, (lines: string[]) => string[], number, RegExp][] = [
    ['one field edited', (l) => withLine(l, 37, l[36]?.replace('"status":200', '"status":201') ?? ''), 37, /hash does not match the line's content: the line was altered/],
    [
      'one field edited and that line re-hashed',
      (l) => {
        const { hash: _old, ...rest } = { ...at(l, 37), outcome: 'denied' };
        return withLine(l, 37, rehashed(rest));
      },
      38,
      /prevHash does not match the hash of line 37: a line was deleted, inserted or moved/,
    ],
    [
      'the same content with two keys swapped',
      (l) => withLine(l, 41, l[40]?.replace(/"method":"([A-Z]+)","path":("[^"]*")/, '"path":$2,"method":"$1"') ?? ''),
      41,
      /hash does not match the line's content: the line was altered/,
    ],
    ['a space added', (l) => withLine(l, 42, l[41]?.replace('"status":', '"status": ') ?? ''), 42, /hash does not match/],
    ['a line deleted', (l) => [...l.slice(0, 49), ...l.slice(50)], 50, /prevHash does not match the hash of line 49/],
    ['a copied line inserted', (l) => [...l.slice(0, 20), l[9] ?? '', ...l.slice(20)], 21, /prevHash does not match the hash of line 20/],
    [
      'a forged line inserted with a correct hash of its own',
      (l) => {
        const forged = { ...at(l, 20), requestId: 'forged', prevHash: at(l, 20).hash };
        const { hash: _old, ...rest } = forged;
        return [...l.slice(0, 20), rehashed(rest), ...l.slice(20)];
      },
      22,
      /prevHash does not match the hash of line 21/,
    ],
    ['two lines swapped', (l) => [...l.slice(0, 59), l[60] ?? '', l[59] ?? '', ...l.slice(61)], 60, /prevHash does not match the hash of line 59/],
    ['the first line deleted', (l) => l.slice(1), 1, /prevHash is not the genesis hash/],
    ['a garbage line', (l) => withLine(l, 5, 'rm -rf /'), 5, /^not valid JSON$/],
    ['an empty line', (l) => [...l.slice(0, 7), '', ...l.slice(7)], 8, /^empty line$/],
    ['a JSON array', (l) => withLine(l, 3, '[1,2]'), 3, /^not a JSON object$/],
    ['a hash removed', (l) => withLine(l, 9, l[8]?.replace(/,"hash":"[0-9a-f]+"/, '') ?? ''), 9, /no "hash" of 64 lowercase hex digits/],
    ['a chain restart', (l) => withLine(l, 11, JSON.stringify({ ...at(l, 11), chainRestart: true })), 11, /"chainRestart": true/],
  ];
  for (const [name, tamper, line, reason] of cases) {
    const { path, lines } = intactLog(t.testdir());
    writeRawLines(path, tamper(lines));
    const result = verifyAuditFiles([path]);
    t.equal(result.ok, false, `${name}: detected`);
    t.equal(result.firstBreak?.line, line, `${name}: at line ${line}`);
    t.match(result.firstBreak?.reason, reason, `${name}: reason`);
    t.equal(result.firstBreak?.file, path);
    t.equal(result.lines, line - 1, `${name}: the lines before it were intact`);
  }
  t.end();
});

t.test('a line cut short at the end of the file is reported', (t) => {
  const { path } = intactLog(t.testdir(), 10);
  truncateSync(path, statSync(path).size - 20);
  t.match(verifyAuditFiles([path]), { ok: false, lines: 9, firstBreak: { line: 10, reason: /no final newline/ } });
  truncateSync(path, statSync(path).size - 1000);
  t.match(verifyAuditFiles([path]).firstBreak, { line: 9, reason: /no final newline/ }, 'whatever the cut');
  t.end();
});

t.test('a series is checked across files, in the order given', (t) => {
  const dir = t.testdir();
  const path = join(dir, 'audit.log');
  writeEntries({ path, maxBytes: 2000 }, 9);
  const series = seriesIn(dir);
  t.ok(series.length >= 4);
  t.same(verifyAuditFiles(series), { ok: true, lines: 9, files: series.length });
  const swapped = [series[1] ?? '', series[0] ?? '', ...series.slice(2)];
  t.match(verifyAuditFiles(swapped), { ok: false, files: 1, firstBreak: { file: series[1], line: 1, reason: /genesis/ } });
  const [first, second, third] = series;
  t.match(verifyAuditFiles([first ?? '', third ?? '', second ?? '']).firstBreak, {
    file: third,
    line: 1,
    reason: /last hash of .*audit\.log\.000001: a file between them is missing or the files are out of order/,
  });
  t.end();
});

t.test('startHash: a series whose oldest files were removed', (t) => {
  const dir = t.testdir();
  const path = join(dir, 'audit.log');
  writeEntries({ path, maxBytes: 2000 }, 9);
  const [oldest = '', ...rest] = seriesIn(dir);
  const removed = rawLines(oldest).map((line) => JSON.parse(line) as WrittenLine);
  t.match(verifyAuditFiles(rest).firstBreak, { line: 1, reason: /genesis/ }, 'by default the log must start at genesis');
  const remaining = { ok: true, lines: 9 - removed.length, files: rest.length };
  t.same(verifyAuditFiles(rest, { startHash: 'any' }), remaining);
  t.same(verifyAuditFiles(rest, { startHash: removed.at(-1)?.hash ?? '' }), remaining);
  t.match(verifyAuditFiles(rest, { startHash: 'f'.repeat(64) }).firstBreak, { line: 1, reason: /expected start hash/ });
  t.end();
});

t.test('a missing file is a break at line 0', (t) => {
  const missing = join(t.testdir(), 'nope.log');
  t.match(verifyAuditFiles([missing]), { ok: false, files: 1, firstBreak: { file: missing, line: 0, reason: /cannot read the file: ENOENT/ } });
  t.end();
});
