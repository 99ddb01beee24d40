import { join } from 'node:path';
import t from 'tap';
import { AuditLog } from '../../src/audit/audit-log.js';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { sampleEntry, seriesIn } from './.fixtures/audit-files.js';
import { spyOnFlushes } from './.fixtures/fsync-spy.js';

t.test('a rotation while serving does not wait for the finished file to reach the disk; closing the log does', async (t) => {
  const flushes = spyOnFlushes(t);
  const dir = t.testdir();
  const log = AuditLog.open({ path: join(dir, 'audit.log'), maxBytes: 2000 });
  for (let i = 0; i < 20; i++) log.write(sampleEntry(i));
  const rotated = seriesIn(dir).length - 1;
  t.ok(rotated >= 3, `${rotated} rotations`);
  t.same(flushes.filter((f) => f.how === 'blocking'), [], 'no fsync on the event loop while lines were written');
  t.equal(flushes.filter((f) => f.how === 'beside the loop').length, rotated, 'each finished file is flushed beside the loop');
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.ok(flushes.every((f) => f.settled), 'and those flushes finish on their own');
  log.close();
  t.equal(flushes.at(-1)?.how, 'blocking', 'closing the log waits for its last file to reach the disk');
  t.ok(verifyAuditFiles(seriesIn(dir)).ok, 'the chain runs unbroken through every rotated file');
});
