// Cost of AuditLog.write(): `node --import tsx test/audit/.fixtures/measure-write-cost.ts [dir] [lines]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { sampleEntry } from './audit-files.js';

const [parent = tmpdir(), count = '20000'] = process.argv.slice(2);
const lines = Number(count);
const dir = mkdtempSync(join(parent, 'audit-cost-'));
try {
  const log = AuditLog.open({ path: join(dir, 'audit.log'), maxBytes: 100 * 1024 * 1024 });
  for (let i = 0; i < 2000; i++) log.write(sampleEntry(i));
  const micros: number[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < lines; i++) {
    const entry = sampleEntry(i);
    const t0 = process.hrtime.bigint();
    log.write(entry);
    micros.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  log.close();
  micros.sort((a, b) => a - b);
  const at = (q: number): string => (micros[Math.floor(q * (micros.length - 1))] ?? 0).toFixed(1);
  const mean = (micros.reduce((sum, m) => sum + m, 0) / micros.length).toFixed(1);
  process.stdout.write(`${lines} lines in ${dir}: median ${at(0.5)} µs, p90 ${at(0.9)} µs, p99 ${at(0.99)} µs, mean ${mean} µs, max ${at(1)} µs (${totalMs.toFixed(0)} ms in all)\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
