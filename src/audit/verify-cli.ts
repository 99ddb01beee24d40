/**
 * `npm run audit:verify -- [--start-hash=<64 hex>|any] <path...>` (works as `node dist/audit/verify-cli.js` and as
 * `tsx src/audit/verify-cli.ts`).
 *
 * One path that is a directory or a live file stands for its whole series: the rotated files `<live>.<n>` oldest
 * first, then `<live>` (see rotated-files.ts), ordered by the chain itself when it links them all. Several paths are
 * verified in the order given. `--start-hash` is the prevHash the first line must carry: genesis by default, `any`
 * when older files were removed.
 *
 * Prints `OK: N lines in M files, chain intact` (exit 0) or `BROKEN: <file>:<line>: <reason>` (exit 1; line 0: the
 * file could not be read). Bad usage: exit 2.
 */
import { isChainHash } from './line.js';
import { chainOrder, seriesOf } from './series.js';
import { ANY_START, verifyAuditFiles, type VerifyOptions } from './verify.js';

const USAGE = 'usage: audit:verify [--start-hash=<64 hex digits>|any] <file|directory>...';

function main(args: string[]): number {
  const options: VerifyOptions = {};
  const paths: string[] = [];
  for (const arg of args) {
    if (arg.startsWith('--start-hash=')) {
      const startHash = arg.slice('--start-hash='.length);
      if (startHash !== ANY_START && !isChainHash(startHash)) return usageError(`bad --start-hash: ${startHash}`);
      options.startHash = startHash;
    } else if (arg.startsWith('-')) {
      return usageError(`unknown option ${arg}`);
    } else {
      paths.push(arg);
    }
  }
  if (paths.length === 0) return usageError('no file given');
  const [only] = paths;
  let files: string[];
  try {
    files = paths.length === 1 && only !== undefined ? chainOrder(seriesOf(only)) : paths;
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  const result = verifyAuditFiles(files, options);
  if (result.firstBreak !== undefined) {
    const { file, line, reason } = result.firstBreak;
    process.stdout.write(`BROKEN: ${file}:${line}: ${reason}\n`);
    return 1;
  }
  process.stdout.write(`OK: ${result.lines} lines in ${result.files} files, chain intact\n`);
  return 0;
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n${USAGE}\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
