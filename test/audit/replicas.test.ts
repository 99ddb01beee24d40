import { rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { AuditLog } from '../../src/audit/audit-log.js';
import { bodyHash, GENESIS_HASH, withHash, type ChainLink } from '../../src/audit/line.js';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { main as query } from '../../src/cli/audit-query.js';
import { runCli } from '../cli/fixtures/run-cli.js';
import { parsedLines, rawLines, sampleEntry, seriesIn, writeRawLines } from './.fixtures/audit-files.js';

const at = (second: number) => new Date(Date.UTC(2026, 11, 1, 9, 0, second)).toISOString();

function write(path: string, replica: string, seconds: number[]): void {
  const log = AuditLog.open({ path, maxBytes: 2000, replica });
  for (const s of seconds) log.write(sampleEntry(s, { time: at(s), requestId: `${replica}-${s}` }));
  log.close();
}

t.test('each line carries its replica id and a sequence number that goes on across restarts and rotation', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'audit.log');
  write(path, 'replica-a', [0, 1, 2]);
  write(path, 'replica-a', [3, 4, 5]);
  const files = seriesIn(dir);
  t.ok(files.length > 1, 'rotated');
  const lines = files.flatMap((file) => parsedLines(file));
  t.same(lines.map((l) => [l.replica, l.seq]), [0, 1, 2, 3, 4, 5].map((i) => ['replica-a', i + 1]));
  t.same(Object.keys(lines[0] ?? {}).slice(-4), ['replica', 'seq', 'prevHash', 'hash'], 'just before the chain fields, inside the hash');
  t.ok(verifyAuditFiles(files).ok);
});

t.test('query over several replicas gives one timeline, each replica in its own order', async (t) => {
  const dir = t.testdir();
  write(join(dir, 'a', 'audit.log'), 'a', [0, 2, 4]);
  write(join(dir, 'b', 'audit.log'), 'b', [1, 3, 5]);
  const run = await runCli(query, [join(dir, 'a'), join(dir, 'b')]);
  const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { replica: string; seq: number });
  t.same(lines.map((l) => `${l.replica}${l.seq}`), ['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
});

t.test('without checkpoints, a line dropped with every later hash recomputed still shows as a gap in seq', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'audit.log');
  write(path, 'replica-a', [0, 1, 2, 3]);
  const files = seriesIn(dir);
  const lines = files.flatMap((file) => rawLines(file));
  lines.splice(1, 1);
  let link: ChainLink = { prevHash: GENESIS_HASH, chainRestart: false };
  const rewritten = lines.map((line) => {
    const fields = `${line.slice(0, line.indexOf(',"prevHash":'))}}`;
    const body = `${fields.slice(0, -1)},"prevHash":"${link.prevHash}"}`;
    const lineHash = bodyHash(link.prevHash, body);
    link = { prevHash: lineHash, chainRestart: false };
    return withHash(body, lineHash).slice(0, -1);
  });
  for (const file of files) rmSync(file);
  writeRawLines(path, rewritten);
  t.same(verifyAuditFiles([path]).firstBreak, {
    file: path,
    line: 2,
    reason: 'seq 3 follows seq 1 of replica replica-a: lines were removed or moved and the hashes recomputed',
  });
});
