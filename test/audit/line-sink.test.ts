import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import type { ChainLink } from '../../src/audit/line.js';
import { AppendFailed, type LineSink } from '../../src/audit/line-sink.js';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { parsedLines, sampleEntry } from './.fixtures/audit-files.js';

/** A sink in memory that cannot be read back, and fails an append after `storeBeforeFailing` lines when told to. */
class MemorySink implements LineSink {
  readonly name = 'memory';
  readonly stored: string[] = [];
  opened = 0;
  storeBeforeFailing: number | null = null;

  open(): ChainLink | null {
    this.opened += 1;
    return null;
  }

  append(lines: readonly string[]): void {
    const failAfter = this.storeBeforeFailing;
    this.storeBeforeFailing = null;
    if (failAfter === null) {
      this.stored.push(...lines);
      return;
    }
    this.stored.push(...lines.slice(0, failAfter));
    throw new AppendFailed(Math.min(failAfter, lines.length), new Error('disk on fire'));
  }

  isWritable(): boolean {
    return true;
  }

  close(): void {}
}

function enqueued(log: AuditLog, entries: AuditEntry[]): Promise<(Error | null)[]> {
  return Promise.all(entries.map((entry) => new Promise<Error | null>((resolve) => log.enqueue(entry, resolve))));
}

const ids = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `req-${from + i}`);
const entries = (from: number, to: number): AuditEntry[] => Array.from({ length: to - from }, (_, i) => sampleEntry(from + i));

t.test('any LineSink: lines stored in order, a partly failed append fails exactly the lines not stored, the chain goes on', async (t) => {
  const sink = new MemorySink();
  const log = AuditLog.writingTo(sink);
  t.same(await enqueued(log, entries(0, 3)), [null, null, null]);

  sink.storeBeforeFailing = 2;
  const results = await enqueued(log, entries(3, 8));
  t.same(results.slice(0, 2), [null, null], 'the two lines the sink stored are acknowledged');
  for (const err of results.slice(2)) t.match(err?.message, /audit log memory: write failed: disk on fire/);
  t.equal(sink.opened, 1, 'not reopened yet');

  t.same(await enqueued(log, entries(8, 10)), [null, null]);
  t.equal(sink.opened, 2, 'opened again before the next lines');
  log.close();

  const path = join(t.testdir(), 'stored.log');
  writeFileSync(path, sink.stored.join(''));
  t.same(parsedLines(path).map((line) => line.requestId), [...ids(0, 5), ...ids(8, 10)]);
  t.same(verifyAuditFiles([path]), { ok: true, lines: 7, files: 1 }, 'a sink that cannot be read back chains on from the last line stored');
});

t.test('observers hear of every line, queued or written at once, stored or failed, before its caller does', async (t) => {
  const sink = new MemorySink();
  const log = AuditLog.writingTo(sink);
  const heard: string[] = [];
  const callbacks: string[] = [];
  const stop = log.observe({
    written: (entry) => heard.push(`written ${entry.requestId}`),
    failed: (err, entry) => heard.push(`failed ${entry.requestId}: ${err.message}`),
  });
  t.equal(log.lastWriteFailed, false);

  log.enqueue(sampleEntry(0), () => callbacks.push(`req-0 after ${heard.length} heard`));
  log.write(sampleEntry(1));
  t.same(heard, ['written req-0', 'written req-1'], 'write() goes the same way as enqueue()');
  t.same(callbacks, ['req-0 after 1 heard']);

  sink.storeBeforeFailing = 0;
  t.throws(() => log.write(sampleEntry(2)), /write failed: disk on fire/);
  t.equal(log.lastWriteFailed, true, 'readiness sees the failure');
  t.equal(heard.at(-1), 'failed req-2: audit log memory: write failed: disk on fire');

  await enqueued(log, [sampleEntry(3)]);
  t.equal(log.lastWriteFailed, false, 'and the recovery');
  stop();
  await enqueued(log, [sampleEntry(4)]);
  log.close();
  await enqueued(log, [sampleEntry(5)]);
  t.same(heard.slice(3), ['written req-3'], 'no more once removed');
});

t.test('a line refused before it is queued, or after close, is a failure observers hear of too', async (t) => {
  const log = AuditLog.writingTo(new MemorySink());
  const failures: string[] = [];
  log.observe({ failed: (err) => failures.push(err.message) });
  // A change that cannot be written is replaced by a note (audit-log.test.ts); a target that cannot be is not.
  const targets: Record<string, string> = {
    get group(): string {
      throw new Error('unreadable target');
    },
  };
  const [unwritable] = await enqueued(log, [sampleEntry(0, { targets })]);
  t.match(unwritable?.message, /write failed: .*unreadable target/i);
  t.same(await enqueued(log, [sampleEntry(1)]), [null], 'the lines after it are not held up');
  log.close();
  t.throws(() => log.write(sampleEntry(2)), /audit log memory is closed/);
  t.equal(failures.length, 2);
  t.equal(log.lastWriteFailed, true);
});

t.test('a sink that cannot be opened at start fails AuditLog.writingTo with its name', async (t) => {
  const sink = new MemorySink();
  sink.open = () => {
    throw new Error('EACCES');
  };
  t.throws(() => AuditLog.writingTo(sink), /audit log: memory cannot be opened for writing: EACCES/);
});
