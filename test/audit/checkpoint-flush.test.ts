import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Checkpointer } from '../../src/audit/checkpointer.js';
import { chainLine, type ChainLink } from '../../src/audit/line.js';
import { spyOnFlushes } from './.fixtures/fsync-spy.js';

const { privateKey } = generateKeyPairSync('ed25519');

function chained(n: number, link: ChainLink): { lines: string[]; link: ChainLink } {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const line = chainLine(JSON.stringify({ time: '2026-12-02T06:00:00.000Z', requestId: `r${i}` }), link);
    lines.push(line.text);
    link = { prevHash: line.hash, chainRestart: false };
  }
  return { lines, link };
}

t.test('checkpoints while serving reach the disk without stalling the event loop; the last one at shutdown is waited for', async (t) => {
  const flushes = spyOnFlushes(t);
  const dir = t.testdir();
  const live = join(dir, 'audit.log');
  fs.writeFileSync(live, '');
  const checkpointer = new Checkpointer(live, { key: privateKey, everyLines: 3 });
  checkpointer.open();
  const first = chained(6, { prevHash: '0'.repeat(64), chainRestart: false });
  fs.appendFileSync(live, first.lines.join(''));
  checkpointer.appended(first.lines.slice(0, 3));
  checkpointer.appended(first.lines.slice(3));
  t.same(flushes.map((f) => f.how), ['beside the loop', 'beside the loop'], 'two checkpoints by lines, neither flushed synchronously');
  t.notOk(flushes.some((f) => f.settled), 'appended() returned before the flushes finished');
  const written = fs.readFileSync(`${live}.checkpoints`, 'utf8').trim().split('\n');
  t.equal(written.length, 2, 'both checkpoint lines are in the file at once');
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.ok(flushes.every((f) => f.settled), 'the flushes finish on their own');
  const more = chained(1, first.link);
  fs.appendFileSync(live, more.lines.join(''));
  checkpointer.appended(more.lines);
  checkpointer.close();
  t.equal(flushes.at(-1)?.how, 'blocking', 'the shutdown checkpoint is on disk before close() returns');

  const clean = new Checkpointer(live, { key: privateKey, everyLines: 1 });
  clean.open();
  const last = chained(1, more.link);
  fs.appendFileSync(live, last.lines.join(''));
  clean.appended(last.lines);
  t.equal(flushes.at(-1)?.how, 'beside the loop', 'a checkpoint by lines, flushed beside the loop');
  clean.close();
  t.equal(flushes.at(-1)?.how, 'blocking', 'nothing left to sign at close: that last checkpoint is still on disk before close() returns');
});
