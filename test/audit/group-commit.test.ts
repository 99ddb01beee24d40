import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { AuditLog } from '../../src/audit/audit-log.js';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { parsedLines, runUnderFileSizeLimit, sampleEntry } from './.fixtures/audit-files.js';

const requestIds = (path: string): string[] => parsedLines(path).map((line) => String(line.requestId));

t.test('queued lines: in the file, in call order, by the time each callback runs; none before', async (t) => {
  const path = join(t.testdir(), 'audit.log');
  const log = AuditLog.open({ path });
  const seenByCallback: string[][] = [];
  const acknowledged = new Promise<void>((resolve) => {
    let left = 20;
    for (let i = 0; i < 20; i++) {
      log.enqueue(sampleEntry(i, { requestId: `q-${i}` }), (err) => {
        t.equal(err, null);
        seenByCallback.push(requestIds(path));
        if (--left === 0) resolve();
      });
    }
  });
  t.equal(readFileSync(path, 'utf8'), '', 'nothing is written while the turn that queued the lines runs');
  await acknowledged;
  const all = Array.from({ length: 20 }, (_, i) => `q-${i}`);
  t.same(requestIds(path), all);
  t.ok(seenByCallback.every((ids) => ids.length === 20), 'every callback ran with its line (and its turn-mates) on disk');
  log.close();
  t.same(verifyAuditFiles([path]), { ok: true, lines: 20, files: 1 });
});

t.test('a synchronous write() after queued lines writes them first: the file keeps the order of the chain', async (t) => {
  const path = join(t.testdir(), 'audit.log');
  const log = AuditLog.open({ path });
  const callbacks: string[] = [];
  log.enqueue(sampleEntry(0, { requestId: 'queued-0' }), () => callbacks.push('queued-0'));
  log.enqueue(sampleEntry(1, { requestId: 'queued-1' }), () => callbacks.push('queued-1'));
  log.write(sampleEntry(2, { requestId: 'sync-2' }));
  t.same(callbacks, ['queued-0', 'queued-1'], 'the queued lines were acknowledged before write() returned');
  log.enqueue(sampleEntry(3, { requestId: 'queued-3' }), () => callbacks.push('queued-3'));
  log.close();
  t.same(callbacks, ['queued-0', 'queued-1', 'queued-3'], 'close() writes what is queued');
  t.same(requestIds(path), ['queued-0', 'queued-1', 'sync-2', 'queued-3']);
  t.same(verifyAuditFiles([path]), { ok: true, lines: 4, files: 1 });
});

t.test('a batch larger than the size limit is split across rotated files, and the chain holds', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'audit.log');
  const maxBytes = 3000;
  const log = AuditLog.open({ path, maxBytes });
  await new Promise<void>((resolve) => {
    let left = 100;
    for (let i = 0; i < 100; i++) log.enqueue(sampleEntry(i), () => --left === 0 && resolve());
  });
  log.close();
  const files = readdirSync(dir).sort();
  t.ok(files.length > 5, `several files (${files.length})`);
  const series = [...files.slice(1), 'audit.log'].map((name) => join(dir, name));
  for (const file of series) t.ok(statSync(file).size <= maxBytes, `${file} within maxBytes`);
  t.same(verifyAuditFiles(series), { ok: true, lines: 100, files: series.length });
});

t.test('a write to a full device fails every queued line, and the next ones too', { skip: !existsSync('/dev/full') }, async (t) => {
  const log = AuditLog.open({ path: '/dev/full' });
  const errors = await Promise.all(
    [0, 1, 2].map((i) => new Promise<Error | null>((resolve) => log.enqueue(sampleEntry(i), resolve))),
  );
  for (const err of errors) t.match(err?.message, /write failed: ENOSPC/);
  t.throws(() => log.write(sampleEntry(3)), /write failed: ENOSPC/);
  log.close();
  const afterClose = await new Promise<Error | null>((resolve) => log.enqueue(sampleEntry(4), resolve));
  t.match(afterClose?.message, /is closed/);
});

t.test('a batch cut short by the file size limit: exactly the acknowledged lines are in the file, the chain intact', async (t) => {
  const path = join(t.testdir(), 'audit.log');
  const result = runUnderFileSizeLimit('sizeLimitedQueuedWriter', path);
  t.equal(result.status, 0, `${result.signal ?? ''} ${String(result.error ?? '')} ${result.stderr}`);
  const report = JSON.parse(result.stdout) as { acknowledged: string[]; errors: string[] };
  t.ok(report.acknowledged.length > 10, `lines went in until the limit (${report.acknowledged.length})`);
  t.ok(report.errors.length >= 7, 'every line of the failing batches got an error');
  t.match(report.errors[0], /audit log .*audit\.log: write failed: EFBIG/);
  t.same(requestIds(path), report.acknowledged, 'the file holds the acknowledged lines and nothing else');
  t.same(verifyAuditFiles([path]), { ok: true, lines: report.acknowledged.length, files: 1 });
});
