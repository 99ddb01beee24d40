import { existsSync, statSync } from 'node:fs';
import { GENESIS_HASH, isChainHash } from './chain-hash.js';
import { readLastLine, type LastLine } from './last-line.js';
import { listRotated } from './rotated-files.js';

/** Where a reopened log continues its chain. */
export interface ResumePoint {
  prevHash: string;
  /** The last line on disk was unreadable: the next line starts a new chain from GENESIS_HASH and says so. */
  chainRestart: boolean;
  /** The live file ends without a newline: one must be written before the next line. */
  needsNewline: boolean;
  /** UTC day (YYYY-MM-DD) of the live file's last line, null when the live file is empty or missing. */
  day: string | null;
}

/**
 * Reads the end of the chain from disk: the live file's last line or, when the live file is empty or missing (a
 * rotation that was not followed by a write), the newest rotated file's last line. No file at all: genesis.
 */
export function resumePoint(live: string): ResumePoint {
  const liveTail = readTail(live);
  if (liveTail !== null) {
    const last = parseLast(liveTail);
    return {
      prevHash: last?.hash ?? GENESIS_HASH,
      chainRestart: last === null,
      needsNewline: liveTail !== 'unreadable' && !liveTail.terminated,
      day: dayOf(last?.time) ?? dayOf(statSync(live).mtime.toISOString()),
    };
  }
  for (const rotated of listRotated(live).reverse()) {
    const tail = readTail(rotated.path);
    if (tail === null) continue;
    const last = parseLast(tail);
    return { prevHash: last?.hash ?? GENESIS_HASH, chainRestart: last === null, needsNewline: false, day: null };
  }
  return { prevHash: GENESIS_HASH, chainRestart: false, needsNewline: false, day: null };
}

/** null: missing or empty file. */
function readTail(path: string): LastLine | 'unreadable' | null {
  if (!existsSync(path)) return null;
  try {
    return readLastLine(path);
  } catch {
    return 'unreadable';
  }
}

function parseLast(tail: LastLine | 'unreadable'): { hash: string; time: unknown } | null {
  if (tail === 'unreadable' || tail.text === null) return null;
  try {
    const line: unknown = JSON.parse(tail.text);
    if (typeof line !== 'object' || line === null) return null;
    const { hash, time } = line as { hash?: unknown; time?: unknown };
    return isChainHash(hash) ? { hash, time } : null;
  } catch {
    return null;
  }
}

function dayOf(time: unknown): string | null {
  return typeof time === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(time) ? time.slice(0, 10) : null;
}
