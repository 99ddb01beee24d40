// Programs the tests run in a child process (see runChild in audit-files.ts).
import { writeSync } from 'node:fs';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { sampleEntry } from './audit-files.js';

/** Writes audit lines until killed; reports each request id on stdout only after write() has returned. */
export function crashWriter(path: string, maxBytes: string, prefix: string): void {
  const log = AuditLog.open({ path, maxBytes: Number(maxBytes) });
  let i = 0;
  const batch = (): void => {
    for (let n = 0; n < 50; n++, i++) {
      const requestId = `${prefix}-${i}`;
      log.write(sampleEntry(i, { requestId }));
      writeFully(1, `${requestId}\n`);
    }
    setImmediate(batch);
  };
  batch();
}

/** Writes three audit lines to stdout (AUDIT_LOG_PATH "-"), an operational log line among them, its chain state in `statePath` if given. */
export function stdoutWriter(statePath?: string, from = '0'): void {
  const log = AuditLog.open({ path: '-', ...(statePath === undefined ? {} : { statePath }) });
  const first = Number(from);
  log.write(sampleEntry(first));
  process.stdout.write('{"level":30,"time":1,"msg":"an operational log line"}\n');
  for (let i = first + 1; i < first + 3; i++) log.write(sampleEntry(i));
  log.close();
}

/**
 * Meant to run under `ulimit -f` with SIGXFSZ ignored: writes until the file size limit makes write() fail, then
 * once more, and reports how many lines went in and the errors.
 */
export function sizeLimitedWriter(path: string): void {
  // Under tap, signal-exit re-raises a signal that nothing else listens to once the event loop gets to it.
  process.on('SIGXFSZ', () => {});
  const log = AuditLog.open({ path });
  let written = 0;
  const errors: string[] = [];
  for (let i = 0; i < 10_000 && errors.length < 2; i++) {
    try {
      log.write(sampleEntry(i));
      written += 1;
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  log.close();
  writeFully(1, JSON.stringify({ written, errors }));
}

/**
 * sizeLimitedWriter for group commit: queues batches of 7 lines per turn of the event loop until the file size limit
 * makes them fail, then one batch more; reports which request ids were acknowledged and which got an error.
 */
export function sizeLimitedQueuedWriter(path: string): void {
  // Under tap, signal-exit re-raises a signal that nothing else listens to once the event loop gets to it.
  process.on('SIGXFSZ', () => {});
  const log = AuditLog.open({ path });
  const acknowledged: string[] = [];
  const errors: string[] = [];
  let failedBatches = 0;
  let i = 0;
  const batch = (): void => {
    let failedHere = false;
    let pending = 7;
    for (let n = 0; n < 7; n++, i++) {
      const requestId = `req-${i}`;
      log.enqueue(sampleEntry(i, { requestId }), (err) => {
        if (err === null) acknowledged.push(requestId);
        else {
          errors.push(err.message);
          failedHere = true;
        }
        if (--pending > 0) return;
        if (failedHere) failedBatches += 1;
        if (failedBatches < 2 && i < 10_000) {
          batch();
          return;
        }
        log.close();
        writeFully(1, JSON.stringify({ acknowledged, errors }));
      });
    }
  };
  batch();
}

function writeFully(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
  }
}
