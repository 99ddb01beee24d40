import type * as FsModule from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';

export interface Flush {
  how: 'beside the loop' | 'blocking';
  settled: boolean;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

/**
 * Records every fsync until the test ends, on the one fs module every caller shares: the gateway's ESM imports
 * (synced with it) and pino's SonicBoom, which requires fs and fsyncs whenever it is flushed.
 */
export function spyOnFlushes(t: Teardown): Flush[] {
  const flushes: Flush[] = [];
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
    const flush: Flush = { how: 'beside the loop', settled: false };
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
  return flushes;
}
