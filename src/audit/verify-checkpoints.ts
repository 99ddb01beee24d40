/**
 * Checks an audit series against its signed checkpoints (checkpoint.ts), naming the first broken place:
 * a checkpoint that is not signed by the key or missing from the sequence; a file the newest checkpoint covers that
 * is missing, moved or replaced; the chain itself (verify.ts: an edited, deleted, inserted or reordered line); lines
 * before a file that were deleted or inserted with recomputed hashes; a line a checkpoint signed that now has
 * another hash (a rewrite with recomputed hashes); and a log that ends before the lines a checkpoint covers.
 * Lines after the newest checkpoint are checked as a chain only: the answer says how many.
 */
import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readCheckpointLine, type Checkpoint } from './checkpoint.js';
import { chainFields } from './line.js';
import { fileLines, seriesOf } from './series.js';
import { ANY_START, verifyAuditFiles, type VerifyResult } from './verify.js';

export interface CheckpointedResult extends VerifyResult {
  checkpoints: number;
  /** Lines after the newest checkpoint (covered by the chain only). */
  unsigned: number;
  /** The checkpoint that adopted lines written before any checkpoint (checkpoint.ts `adopted`), if one did. */
  adopted?: Checkpoint;
}

/** `series`: a live file or a directory; `checkpointsPath`: its checkpoint file. */
export function verifyWithCheckpoints(series: string, checkpointsPath: string, publicKey: KeyObject): CheckpointedResult {
  const broken = (file: string, line: number, reason: string): CheckpointedResult => ({
    ok: false,
    lines: 0,
    files: 0,
    checkpoints: 0,
    unsigned: 0,
    firstBreak: { file, line, reason },
  });
  if (!existsSync(checkpointsPath)) return broken(checkpointsPath, 0, 'no checkpoint file');
  const checkpoints: Checkpoint[] = [];
  let number = 0;
  for (const { text, terminated } of fileLines(checkpointsPath)) {
    number += 1;
    if (!terminated) return broken(checkpointsPath, number, 'the checkpoint has no final newline: cut short');
    const read = readCheckpointLine(text, publicKey);
    if (!read.ok) return broken(checkpointsPath, number, read.reason);
    const before = checkpoints.at(-1);
    if (before === undefined && read.checkpoint.n !== 1) {
      return broken(checkpointsPath, number, `the first checkpoint is ${read.checkpoint.n}: checkpoints 1 to ${read.checkpoint.n - 1} were removed`);
    }
    if (before !== undefined && read.checkpoint.n !== before.n + 1) {
      return broken(checkpointsPath, number, `checkpoint ${read.checkpoint.n} follows checkpoint ${before.n}: the checkpoints between were removed`);
    }
    checkpoints.push(read.checkpoint);
  }
  const newest = checkpoints.at(-1);
  if (newest === undefined) return broken(checkpointsPath, 0, 'the checkpoint file holds no checkpoint');

  const onDisk = seriesOf(series);
  const dir = dirname(onDisk.at(-1) ?? series);
  const covered: string[] = [];
  for (const file of newest.files) {
    const path = join(dir, file.name);
    if (!existsSync(path)) {
      return broken(path, 0, `missing: checkpoint ${newest.n} covers this file (chain lines from ${file.firstLine}): it was deleted, moved or renamed`);
    }
    covered.push(path);
  }
  const lastCovered = onDisk.indexOf(covered.at(-1) ?? '');
  const planted = onDisk.find((path, i) => i < lastCovered && !covered.includes(path));
  if (planted !== undefined) {
    return broken(planted, 0, `not a file checkpoint ${newest.n} covers, yet it sorts before files it covers: put into the series after it was signed`);
  }
  const files = [...covered, ...onDisk.filter((path, i) => i > lastCovered && !covered.includes(path))];
  const firstFile = newest.files[0];
  const offset = (firstFile?.firstLine ?? 1) - 1;
  const startOf = new Map(newest.files.map((file) => [join(dir, file.name), file]));
  const byLine = new Map<number, Checkpoint[]>();
  for (const checkpoint of checkpoints) byLine.set(checkpoint.lines, [...(byLine.get(checkpoint.lines) ?? []), checkpoint]);
  let confirmed: { checkpoint: Checkpoint; line: number } | null = null;

  const result = verifyAuditFiles(files, {
    // The first file's start is checked against the checkpoint (fileStarts), which says more than "not the start hash".
    startHash: ANY_START,
    checks: {
      fileStarts(file, walked) {
        const expected = startOf.get(file);
        if (expected === undefined) return null;
        const first = firstLineOf(file);
        if (first === null || chainFields(first)?.prevHash !== expected.firstPrevHash) {
          return `not the file checkpoint ${newest.n} names here (its first prevHash differs): moved, replaced, or rewritten`;
        }
        const line = walked + offset;
        if (expected.firstLine === line) return null;
        return `this file starts at chain line ${line} but checkpoint ${newest.n} signed ${expected.firstLine}: lines before it were deleted or inserted`;
      },
      lineIntact(walked, hash) {
        const line = walked + offset;
        for (const checkpoint of byLine.get(line) ?? []) {
          if (checkpoint.lastHash !== hash) {
            const since = confirmed === null ? '' : ` (intact up to chain line ${confirmed.line}, checkpoint ${confirmed.checkpoint.n})`;
            return `checkpoint ${checkpoint.n} (${checkpoint.time}) signed another hash for chain line ${line}: the log was rewritten at or before this line${since}`;
          }
          confirmed = { checkpoint, line };
        }
        return null;
      },
    },
  });
  const adopted = checkpoints.find((checkpoint) => checkpoint.reason === 'adopted');
  const base = { checkpoints: checkpoints.length, unsigned: 0, ...(adopted === undefined ? {} : { adopted }) };
  if (!result.ok) return { ...result, ...base };
  const end = result.lines + offset;
  const furthest = checkpoints.reduce((max, c) => (c.lines > max.lines ? c : max), newest);
  if (end < furthest.lines) {
    const last = files.at(-1) ?? series;
    return {
      ...result,
      ...base,
      ok: false,
      firstBreak: {
        file: last,
        line: countLines(last),
        reason: `the log ends at chain line ${end} but checkpoint ${furthest.n} (${furthest.time}) covers ${furthest.lines}: the newest lines were cut off`,
      },
    };
  }
  return { ...result, ...base, unsigned: end - newest.lines };
}

/** The checkpoint file beside a series: `<live>.checkpoints`. */
export function checkpointsBeside(series: string): string {
  const live = seriesOf(series).at(-1) ?? series;
  return join(dirname(live), `${basename(live).replace(/\.\d+$/, '')}.checkpoints`);
}

function firstLineOf(path: string): string | null {
  for (const line of fileLines(path)) return line.text;
  return null;
}

function countLines(path: string): number {
  return Array.from(fileLines(path)).length;
}
