import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import t from 'tap';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { childArgs, parsedLines, repoRoot, seriesIn } from './.fixtures/audit-files.js';

/**
 * Runs crashWriter (child-writers.ts), which reports each request id only after write() returned, and SIGKILLs it once `reports` ids
 * came back. Resolves with the ids received.
 */
function runAndKill(path: string, prefix: string, reports: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, childArgs('crashWriter', [path, String(64 * 1024), prefix]), {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const received: string[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (id) => {
      received.push(id);
      if (received.length === reports) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(received);
      else reject(new Error(`the writer ended by itself (${signal ?? _code}): ${stderr}`));
    });
  });
}

t.test('kill -9 loses no audited request, and the chain survives it', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'audit.log');
  const first = await runAndKill(path, 'first', 3000);
  const second = await runAndKill(path, 'second', 2000); // restarts on the log the first writer left

  const series = seriesIn(dir);
  t.ok(series.length > 3, `rotation happened while writing (${series.length} files)`);
  const written = series.flatMap((file) => parsedLines(file).map((line) => String(line.requestId)));
  const onDisk = new Set(written);
  t.equal(
    first.concat(second).filter((id) => !onDisk.has(id)).length,
    0,
    `every id reported to the parent is in the log (${first.length + second.length} reported, ${written.length} written)`,
  );
  for (const [name, ids] of [['first', first], ['second', second]] as const) {
    const own = written.filter((id) => id.startsWith(`${name}-`));
    t.same(own.slice(0, ids.length), ids, `${name} writer: its reported ids, in order, at the start of what it wrote`);
    t.ok(own.length >= ids.length, `${name} writer: nothing it reported is missing`);
  }
  t.same(verifyAuditFiles(series), { ok: true, lines: written.length, files: series.length }, 'one intact chain across both runs');
});
