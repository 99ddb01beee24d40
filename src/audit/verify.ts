/**
 * Checks a hash-chained audit log (definition in line.ts) and names the first broken line.
 *
 * A line is broken when it is cut short (no final newline), is not a JSON object, lacks a well-formed `hash` or
 * `prevHash`, carries `"chainRestart": true`, has a `prevHash` other than the previous line's `hash` (across files,
 * in the order given), or has a `hash` that does not match its content. A chain restart is always reported as a
 * break: the writer only restarts when it found the line before unreadable, so lines may be missing there.
 */
import { bodyHash, GENESIS_HASH, isChainHash, splitLine } from './line.js';
import { fileLines } from './series.js';

export interface VerifyResult {
  ok: boolean;
  /** Lines found intact (up to the break, if any). */
  lines: number;
  /** Files examined (up to and including the one with the break). */
  files: number;
  /** `line` is 1-based; 0 when the file itself could not be read. */
  firstBreak?: { file: string; line: number; reason: string };
}

export interface VerifyOptions {
  /**
   * The `prevHash` the first line must carry. Default GENESIS_HASH: the files hold the log from its beginning.
   * 'any' accepts whatever the first line says, for a series whose oldest files were removed.
   */
  startHash?: string;
  /** Checks made as the walk goes: each returns the reason the chain is broken at that place, or null. */
  checks?: ChainChecks;
}

export interface ChainChecks {
  /** A file's first line is intact as a chain; `chainLine` is its number in the whole chain (1 for the first line). */
  fileStarts?(file: string, chainLine: number): string | null;
  /** An intact line, by its number in the whole chain. */
  lineIntact?(chainLine: number, hash: string): string | null;
}

export const ANY_START = 'any';

interface Position {
  file: string;
  line: number;
}

/** `files` in chain order. */
export function verifyAuditFiles(files: string[], options: VerifyOptions = {}): VerifyResult {
  const startHash = options.startHash ?? GENESIS_HASH;
  let expected: string | null = startHash === ANY_START ? null : startHash;
  let previous: Position | null = null;
  let intact = 0;
  const checks = options.checks ?? {};
  let lastSeq: { replica: string; seq: number } | null = null;
  for (const [index, file] of files.entries()) {
    let line = 0;
    const broken = (reason: string): VerifyResult => ({
      ok: false,
      lines: intact,
      files: index + 1,
      firstBreak: { file, line, reason },
    });
    try {
      const firstLine = intact + 1;
      for (const { text, terminated } of fileLines(file)) {
        line += 1;
        const checked = checkLine(text, terminated, expected);
        if (!checked.ok) {
          return broken(checked.reason === 'prevHash' ? prevHashReason(previous, { file, line }, startHash) : checked.reason);
        }
        const seqProblem = checked.seq !== null && lastSeq !== null && checked.seq.replica === lastSeq.replica && checked.seq.seq !== lastSeq.seq + 1;
        if (seqProblem) return broken(`seq ${checked.seq?.seq ?? ''} follows seq ${lastSeq?.seq ?? ''} of replica ${lastSeq?.replica ?? ''}: lines were removed or moved and the hashes recomputed`);
        lastSeq = checked.seq;
        const fileProblem = line === 1 ? (checks.fileStarts?.(file, firstLine) ?? null) : null;
        if (fileProblem !== null) return broken(fileProblem);
        const lineProblem = checks.lineIntact?.(intact + 1, checked.hash) ?? null;
        if (lineProblem !== null) return broken(lineProblem);
        expected = checked.hash;
        previous = { file, line };
        intact += 1;
      }
    } catch (err) {
      return broken(`cannot read the file: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { ok: true, lines: intact, files: files.length };
}

type Checked = { ok: true; hash: string; seq: { replica: string; seq: number } | null } | { ok: false; reason: string };

function checkLine(text: string, terminated: boolean, expectedPrevHash: string | null): Checked {
  if (!terminated) return { ok: false, reason: 'the line has no final newline: the write was cut short or the file truncated' };
  if (text.trim() === '') return { ok: false, reason: 'empty line' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'not a JSON object' };
  const { hash, ...content } = parsed as Record<string, unknown>;
  const prevHash = content.prevHash;
  if (content.chainRestart === true) {
    return {
      ok: false,
      reason: 'the writer restarted the chain here ("chainRestart": true): the line before was unreadable when it reopened the log',
    };
  }
  const split = splitLine(text);
  if (!isChainHash(hash) || split === null || split.hash !== hash) {
    return { ok: false, reason: 'no "hash" of 64 lowercase hex digits as the last member' };
  }
  if (!isChainHash(prevHash)) return { ok: false, reason: 'no "prevHash" of 64 lowercase hex digits' };
  if (expectedPrevHash !== null && prevHash !== expectedPrevHash) return { ok: false, reason: 'prevHash' };
  if (bodyHash(prevHash, split.body) !== hash) return { ok: false, reason: "hash does not match the line's content: the line was altered" };
  const { replica, seq } = content;
  return { ok: true, hash, seq: typeof replica === 'string' && typeof seq === 'number' ? { replica, seq } : null };
}

function prevHashReason(previous: Position | null, here: Position, startHash: string): string {
  if (previous === null) {
    return startHash === GENESIS_HASH
      ? 'prevHash is not the genesis hash: the lines or files before this one are missing'
      : 'prevHash is not the expected start hash';
  }
  if (previous.file !== here.file) {
    return `prevHash does not match the last hash of ${previous.file}: a file between them is missing or the files are out of order`;
  }
  return `prevHash does not match the hash of line ${previous.line}: a line was deleted, inserted or moved`;
}
