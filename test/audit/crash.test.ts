import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import t from 'tap';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { childArgs, rawLines, repoRoot, seriesIn, writeRawLines, type WrittenLine } from './.fixtures/audit-files.js';

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

interface SeriesLine {
  file: string;
  /** 1-based, as verify names lines. */
  line: number;
  text: string;
  parsed: WrittenLine | null;
}

function seriesLines(series: string[]): SeriesLine[] {
  return series.flatMap((file) =>
    rawLines(file)
      .map((text, i) => ({ file, line: i + 1, text }))
      .filter(({ text }) => text !== '')
      .map((at) => ({ ...at, parsed: parsedOrNull(at.text) })),
  );
}

function parsedOrNull(text: string): WrittenLine | null {
  try {
    return JSON.parse(text) as WrittenLine;
  } catch {
    return null;
  }
}

t.test('kill -9 loses no audited request, and the chain survives it', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'audit.log');
  const first = await runAndKill(path, 'first', 3000);
  const second = await runAndKill(path, 'second', 2000); // restarts on the log the first writer left

  const series = seriesIn(dir);
  t.ok(series.length > 3, `rotation happened while writing (${series.length} files)`);
  const lines = seriesLines(series);
  const written = lines.flatMap(({ parsed }) => (parsed === null ? [] : [String(parsed.requestId)]));
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

  const torn = lines.findIndex(({ parsed }) => parsed === null);
  if (torn === -1) {
    t.same(verifyAuditFiles(series), { ok: true, lines: written.length, files: series.length }, 'one intact chain across both runs');
    return;
  }
  // SIGKILL can stop a write(2) to a file between two pages: the killed writer's last line, never acknowledged, is
  // then a fragment. As designed (audit-log.test.ts), the next writer keeps it as evidence, closes it with a newline
  // and restarts the chain; everything before the fragment and everything from the restart on must still be intact.
  const fragment = lines[torn];
  const restart = lines[torn + 1]?.parsed;
  t.equal(lines.filter(({ parsed }) => parsed === null).length, 1, 'one fragment at most: the write the kill interrupted');
  t.match(verifyAuditFiles(series).firstBreak, { file: fragment?.file, line: fragment?.line, reason: 'not valid JSON' }, 'the chain is intact up to the fragment');
  t.equal(restart?.chainRestart, true, 'the second writer restarted the chain right after it');
  t.match(String(restart?.requestId), /^second-/, "and the restart is the second writer's first line");
  const after = join(dir, 'after-restart.log');
  writeRawLines(after, lines.slice(torn + 2).map(({ text }) => text));
  t.same(
    verifyAuditFiles([after], { startHash: restart?.hash ?? '' }),
    { ok: true, lines: lines.length - torn - 2, files: 1 },
    "the second writer's chain is intact from the restart on",
  );
});
