import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditEntry } from '../../../src/audit/audit-entry.js';
import { AuditLog, type AuditLogOptions } from '../../../src/audit/audit-log.js';
import type * as ChildWriters from './child-writers.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export type WrittenLine = Record<string, unknown> & { prevHash: string; hash: string };

export function sampleEntry(i: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time: new Date(Date.UTC(2025, 0, 1, 12, 0, 0, i)).toISOString(),
    requestId: `req-${i}`,
    channel: i % 2 === 0 ? 'rest' : 'mcp',
    clientId: i % 5 === 0 ? null : `client-${i % 3}`,
    clientIp: '10.0.0.7',
    operation: 'addGroupUsers',
    method: 'POST',
    path: `/v1/groups/my_group/relationships/users`,
    targets: { group: 'my_group', relationship: 'users' },
    change: { usersAdded: [`user_${i}`], roles: { added: ['USER_ROLE_ADMIN'] } },
    bodySha256: 'a'.repeat(64),
    outcome: 'ok',
    status: 200,
    upstreamStatus: 200,
    errorCode: null,
    durationMs: 12.5,
    upstreamMs: 10.25,
    ...overrides,
  };
}

/** Opens a log at `path`, writes entries `from`..`from + count - 1`, closes it. */
export function writeEntries(opts: AuditLogOptions, count: number, from = 0): void {
  const log = AuditLog.open(opts);
  for (let i = from; i < from + count; i++) log.write(sampleEntry(i));
  log.close();
}

/** A rotated series in `dir` by name: `<live>.<n>` (zero padded, so sorting names sorts n), then `<live>`. */
export function seriesIn(dir: string, live = 'audit.log'): string[] {
  const rotated = readdirSync(dir)
    .filter((name) => name.startsWith(`${live}.`) && /\.\d+$/.test(name))
    .sort();
  // A crash between renaming the live file and opening the next one leaves no live file: the series ends before it.
  const files = existsSync(join(dir, live)) || rotated.length === 0 ? [...rotated, live] : rotated;
  return files.map((name) => join(dir, name));
}

/** The file's lines without the empty string after the final newline. */
export function rawLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

export function writeRawLines(path: string, lines: string[]): void {
  writeFileSync(path, lines.map((line) => `${line}\n`).join(''));
}

export function parsedLines(path: string): WrittenLine[] {
  return rawLines(path)
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as WrittenLine);
}

/**
 * Node arguments that run one of child-writers.ts's programs. They live in this dot-directory, imported rather than
 * run as files, because `tap test/audit/` would otherwise take every .ts file in it for a test.
 */
export function childArgs(writer: keyof typeof ChildWriters, args: string[]): string[] {
  const module = JSON.stringify(new URL('./child-writers.ts', import.meta.url).href);
  return ['--import', 'tsx', '--input-type=module', '-e', `import { ${writer} } from ${module}; ${writer}(...${JSON.stringify(args)});`];
}

/**
 * Runs a child writer under `ulimit -f 64` (64 KiB) with SIGXFSZ ignored: the write that crosses the limit is short
 * and the next one fails with EFBIG.
 */
export function runUnderFileSizeLimit(writer: 'sizeLimitedWriter' | 'sizeLimitedQueuedWriter', path: string): SpawnSyncReturns<string> {
  const script = `trap '' XFSZ; ulimit -f 64; exec "$0" "$@"`;
  return spawnSync('bash', ['-c', script, process.execPath, ...childArgs(writer, [path])], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
}
