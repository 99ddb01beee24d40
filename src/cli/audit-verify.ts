/**
 * `vtgw audit verify [--start-hash=<64 hex>|any] <path...>`
 *
 * One path that is a directory or a live file stands for its whole series: the rotated files `<live>.<n>` oldest
 * first, then `<live>`, ordered by the chain itself when it links them all. Several paths are verified in the
 * order given. `--start-hash` is the prevHash the first line must carry: genesis by default, `any` when older
 * files were removed. A series trimmed by the gateway's retention is verified from its oldest kept file, starting
 * from the hash retention noted, and the answer says so.
 *
 * Prints `OK: N lines in M files, chain intact` (exit 0) or `BROKEN: <file>:<line>: <reason>` (exit 1; line 0: the
 * file could not be read). Bad usage: exit 2.
 */
import { existsSync } from 'node:fs';
import { chainOrder, retentionStart, seriesOf } from '../audit/series.js';
import { isChainHash } from '../audit/line.js';
import { readPublicKey } from '../audit/checkpoint.js';
import { checkpointsBeside, verifyWithCheckpoints } from '../audit/verify-checkpoints.js';
import { ANY_START, verifyAuditFiles, type VerifyOptions } from '../audit/verify.js';
import { EXIT_FINDING, EXIT_OK, parseCommand, usageFailure, type CliIo } from './io.js';

export const auditVerifyUsage =
  'usage: vtgw audit verify [--start-hash=<64 hex digits>|any] <file|directory>...\n' +
  '       vtgw audit verify --public-key PUB.pem [--checkpoints PATH] <live file|directory>...';

export function main(argv: string[], io: CliIo): number {
  const usageError = (message: string): number => usageFailure(io, auditVerifyUsage, message);
  const parsed = parseCommand(
    {
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        'start-hash': { type: 'string' },
        'public-key': { type: 'string' },
        checkpoints: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    auditVerifyUsage,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals: paths } = parsed;
  const options: VerifyOptions = {};
  const startHash = values['start-hash'];
  if (startHash !== undefined) {
    if (startHash !== ANY_START && !isChainHash(startHash)) return usageError(`bad --start-hash: ${startHash}`);
    options.startHash = startHash;
  }
  const [only] = paths;
  if (only === undefined) return usageError('no file given');
  const publicKeyPath = values['public-key'];
  // A mistyped path is not a tampered log: nothing there at all, not even checkpoints, is a usage error, not BROKEN.
  if (paths.length === 1 && nothingAt(only, publicKeyPath === undefined ? undefined : (values.checkpoints ?? checkpointsBeside(only)))) {
    return usageError(`${only}: no audit log there (no such file or directory; in the image the log is under /var/lib/vt-access-gateway/audit)`);
  }
  if (publicKeyPath !== undefined) {
    if (startHash !== undefined) return usageError('--public-key takes no --start-hash: the checkpoints say where each series starts');
    if (paths.length > 1 && values.checkpoints !== undefined) return usageError('--checkpoints names the checkpoints of one series: give one live file or directory with it');
    return verifySigned(paths, publicKeyPath, values.checkpoints, io, usageError);
  }
  if (values.checkpoints !== undefined) return usageError('--checkpoints needs --public-key');
  let files: string[];
  let retainedFrom: string | null;
  try {
    files = paths.length === 1 ? chainOrder(seriesOf(only)) : paths;
    retainedFrom = paths.length === 1 && startHash === undefined ? retentionStart(only) : null;
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  const trimmed = retainedFrom !== null;
  if (retainedFrom !== null) options.startHash = retainedFrom;
  const result = verifyAuditFiles(files, options);
  if (result.firstBreak !== undefined) {
    const { file, line, reason } = result.firstBreak;
    io.stdout.write(`BROKEN: ${file}:${line}: ${reason}\n`);
    return EXIT_FINDING;
  }
  const from = trimmed ? ` (from the oldest kept file, ${files[0] ?? ''}: older files were removed by retention)` : '';
  io.stdout.write(`OK: ${result.lines} lines in ${result.files} files, chain intact${from}\n`);
  return EXIT_OK;
}

/** Each path is one series (one replica's log) with its own checkpoints; one line per series, prefixed by its path when several. */
function verifySigned(series: string[], publicKeyPath: string, checkpointsPath: string | undefined, io: CliIo, usageError: (m: string) => number): number {
  let key;
  try {
    key = readPublicKey(publicKeyPath);
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  const results = [];
  for (const path of series) {
    try {
      results.push({ path, result: verifyWithCheckpoints(path, checkpointsPath ?? checkpointsBeside(path), key) });
    } catch (err) {
      return usageError(err instanceof Error ? err.message : String(err));
    }
  }
  let status = EXIT_OK;
  for (const { path, result } of results) {
    const prefix = series.length > 1 ? `${path}: ` : '';
    if (result.firstBreak !== undefined) {
      const { file, line, reason } = result.firstBreak;
      io.stdout.write(`BROKEN: ${prefix}${file}:${line}: ${reason}\n`);
      status = EXIT_FINDING;
      continue;
    }
    const unsigned = result.unsigned === 0 ? '' : `; the last ${result.unsigned} lines are after the newest checkpoint (chain only)`;
    io.stdout.write(`OK: ${prefix}${result.lines} lines in ${result.files} files, chain intact, ${result.checkpoints} signed checkpoints agree${unsigned}\n`);
    const { adopted } = result;
    if (adopted !== undefined) {
      io.stdout.write(
        `NOTE: ${prefix}checkpoint ${adopted.n} (${adopted.time}) was the first, and signed ${adopted.lines} lines already on disk that no checkpoint had signed: signing was turned on for an existing log, the gateway stopped before its first checkpoint, or its checkpoints were removed; those lines are trusted only as far as the chain\n`,
      );
    }
  }
  return status;
}

/** Neither a file of the series nor (for signed verification) its checkpoint file exists; unreadable directories are left to verify. */
function nothingAt(path: string, checkpoints: string | undefined): boolean {
  try {
    return !seriesOf(path).some((file) => existsSync(file)) && (checkpoints === undefined || !existsSync(checkpoints));
  } catch {
    return false;
  }
}
