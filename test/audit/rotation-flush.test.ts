import type * as FsModule from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import t from 'tap';
import { AuditLog } from '../../src/audit/audit-log.js';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { sampleEntry, seriesIn } from './.fixtures/audit-files.js';

t.test('a rotation while serving does not wait for the finished file to reach the disk; closing the log does', async (t) => {
  const flushes: { how: 'beside the loop' | 'blocking'; settled: boolean }[] = [];
  // Spied on the one fs module every caller shares: the gateway's ESM imports (synced below) and pino's SonicBoom,
  // which requires fs and fsyncs whenever it is flushed.
  const fs: typeof FsModule = createRequire(import.meta.url)('node:fs');
  const { fsyncSync, fsync } = fs;
  const replace = (name: 'fsyncSync' | 'fsync', value: unknown): void => {
    Object.defineProperty(fs, name, { value, writable: true, configurable: true, enumerable: true });
    syncBuiltinESMExports();
  };
  replace('fsyncSync', (fd: number) => {
    flushes.push({ how: 'blocking', settled: true });
    fsyncSync(fd);
  });
  replace('fsync', (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => {
    const flush = { how: 'beside the loop' as const, settled: false };
    flushes.push(flush);
    fsync(fd, (err) => {
      flush.settled = true;
      done(err);
    });
  });
  t.teardown(() => {
    replace('fsyncSync', fsyncSync);
    replace('fsync', fsync);
  });
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
