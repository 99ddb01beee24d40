/**
 * The audit series on disk: the live file and its rotated files, read line by line or from the end.
 *
 * The live file keeps its configured name (e.g. audit/audit.log). Rotation renames it to `<live>.<n>` with n zero
 * padded to six digits (audit.log.000001, audit.log.000002, ...): n is one more than the highest n already present,
 * so the smallest n is the oldest file, no file is ever renamed twice, and `ls` lists the series oldest first. The
 * chain order is therefore: every `<live>.<n>` by ascending n, then `<live>`. Daily rotation uses the same names; the
 * lines' own `time` fields say which day a file covers.
 */
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, normalize } from 'node:path';
import { chainFields, GENESIS_HASH, type ChainLink } from './line.js';

export interface RotatedFile {
  path: string;
  n: number;
}

interface FileLine {
  text: string;
  /** False only for a last line with no final newline (a torn or truncated write). */
  terminated: boolean;
}

/** Where a reopened live file continues its chain. */
interface ResumePoint extends ChainLink {
  /** The live file ends without a newline: one must be written before the next line. */
  needsNewline: boolean;
  /** UTC day (YYYY-MM-DD) of the live file's last line, null when the live file is empty or missing. */
  day: string | null;
}

const DIGITS = 6;
const DEFAULT_LIVE_NAME = 'audit.log';
/** The checkpoint file beside a live file (checkpointer.ts) is no series of its own. */
const CHECKPOINTS_SUFFIX = '.checkpoints';
const NEWLINE = 0x0a;
const READ_CHUNK_BYTES = 1 << 20;
const TAIL_CHUNK_BYTES = 64 * 1024;
const MAX_TAIL_LINE_BYTES = 16 * 1024 * 1024;

/** The name the live file takes when it is rotated now: one n beyond the newest rotated file. */
export function nextRotatedPath(live: string): string {
  const n = (listRotated(live).at(-1)?.n ?? 0) + 1;
  return `${live}.${String(n).padStart(DIGITS, '0')}`;
}

/** If `name` is a rotated name, the live file's name and n. */
function parseRotatedName(name: string): { live: string; n: number } | null {
  const match = /^(.+)\.(\d+)$/.exec(name);
  if (match === null || match[1] === undefined || match[2] === undefined) return null;
  return { live: match[1], n: Number(match[2]) };
}

/** The rotated files of `live`, oldest first; none when its directory does not exist. */
export function listRotated(live: string): RotatedFile[] {
  const dir = dirname(live);
  const liveName = basename(live);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const rotated: RotatedFile[] = [];
  for (const name of names) {
    const parsed = parseRotatedName(name);
    if (parsed !== null && parsed.live === liveName) rotated.push({ path: join(dir, name), n: parsed.n });
  }
  return rotated.sort((a, b) => a.n - b.n);
}

/**
 * The files of the series that `path` stands for, oldest first by name: a directory's series (its only one, or
 * audit.log's), or a live file with its rotated siblings. A path with no siblings is a series of itself.
 */
export function seriesOf(given: string): string[] {
  // As join() writes it: `./audit/audit.log` and `audit/audit.log` are one file to every comparison of paths.
  const path = normalize(given);
  if (isDirectory(path)) return seriesOf(join(path, liveNameIn(path)));
  const rotated = listRotated(path).map((file) => file.path);
  return existsSync(path) || rotated.length === 0 ? [...rotated, path] : rotated;
}

/** Where retention notes the last hash of the newest file it removed: hidden beside the live file. */
function retentionNotePath(live: string): string {
  return join(dirname(live), `.${basename(live)}.retention`);
}

/** Called by retention after it removed `file`: the kept series now starts where `file` ended. */
export function noteRemovedByRetention(live: string, file: string, lastHash: string): void {
  writeFileSync(retentionNotePath(live), `${JSON.stringify({ removed: basename(file), lastHash })}\n`, { mode: 0o640 });
}

/** The last line's hash of a file of the series; null when there is none. */
export function lastHashOf(file: string): string | null {
  return lastChainLine(readTail(file))?.hash ?? null;
}

/**
 * When retention removed the oldest files of the series that `path` stands for, the hash its oldest kept file must
 * start from (noted by retention); null for a series that starts at .000001 or holds no retention note. Files removed
 * any other way leave no note, so verify still reports them.
 */
export function retentionStart(path: string): string | null {
  const live = isDirectory(path) ? join(path, liveNameIn(path)) : path;
  const oldest = listRotated(live)[0];
  if (oldest === undefined || oldest.n === 1) return null;
  try {
    const note: unknown = JSON.parse(readFileSync(retentionNotePath(live), 'utf8'));
    const lastHash = typeof note === 'object' && note !== null && 'lastHash' in note ? note.lastHash : null;
    return typeof lastHash === 'string' ? lastHash : null;
  } catch {
    return null;
  }
}

/**
 * Reads the end of the chain from disk: the live file's last line or, when the live file is empty or missing (a
 * rotation that was not followed by a write), the newest rotated file's last line. No file at all: genesis.
 */
export function resumePoint(live: string): ResumePoint {
  const liveTail = readTail(live);
  if (liveTail !== null) {
    const last = lastChainLine(liveTail);
    return {
      prevHash: last?.hash ?? GENESIS_HASH,
      seq: last?.seq ?? 0,
      chainRestart: last === null,
      needsNewline: liveTail !== 'unreadable' && !liveTail.terminated,
      day: dayOf(last?.time ?? null) ?? dayOf(statSync(live).mtime.toISOString()),
    };
  }
  for (const rotated of listRotated(live).reverse()) {
    const tail = readTail(rotated.path);
    if (tail === null) continue;
    const last = lastChainLine(tail);
    return { prevHash: last?.hash ?? GENESIS_HASH, seq: last?.seq ?? 0, chainRestart: last === null, needsNewline: false, day: null };
  }
  return { prevHash: GENESIS_HASH, chainRestart: false, needsNewline: false, day: null };
}

/**
 * `files` reordered by the chain itself (each file's first prevHash is the previous file's last hash) when that
 * links them all into one line; otherwise `files` unchanged, and verification will say where the chain breaks.
 * Empty files hold no link and go last.
 */
export function chainOrder(files: string[]): string[] {
  const linked: ChainEnds[] = [];
  const empty: string[] = [];
  for (const file of files) {
    const ends = chainEnds(file);
    if (ends === null) return files;
    if (ends === 'empty') empty.push(file);
    else linked.push(ends);
  }
  const lastHashes = new Set(linked.map((ends) => ends.lastHash));
  const heads = linked.filter((ends) => !lastHashes.has(ends.firstPrevHash));
  let current = heads.length === 1 ? heads[0] : undefined;
  const ordered: ChainEnds[] = [];
  while (current !== undefined) {
    ordered.push(current);
    const tail = current;
    const next = linked.filter((ends) => ends.firstPrevHash === tail.lastHash);
    if (next.length > 1) return files;
    current = next[0];
    if (current !== undefined && ordered.includes(current)) return files;
  }
  if (ordered.length !== linked.length) return files;
  return [...ordered.map((ends) => ends.file), ...empty];
}

/** The lines of a file in order, read synchronously in chunks so that a large rotated file is never held whole. */
export function* fileLines(path: string): Generator<FileLine, void, undefined> {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    let carry = Buffer.alloc(0);
    for (;;) {
      const read = readSync(fd, chunk, 0, READ_CHUNK_BYTES, null);
      if (read === 0) break;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      for (let end = data.indexOf(NEWLINE, start); end !== -1; end = data.indexOf(NEWLINE, start)) {
        yield { text: data.toString('utf8', start, end), terminated: true };
        start = end + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
    if (carry.length > 0) yield { text: carry.toString('utf8'), terminated: false };
  } finally {
    closeSync(fd);
  }
}

/** How many lines a file holds (a final line without a newline counts), read in chunks. */
export function countLines(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    let lines = 0;
    let lastByte = NEWLINE;
    for (let read = readSync(fd, chunk, 0, READ_CHUNK_BYTES, null); read > 0; read = readSync(fd, chunk, 0, READ_CHUNK_BYTES, null)) {
      for (let at = chunk.indexOf(NEWLINE, 0); at !== -1 && at < read; at = chunk.indexOf(NEWLINE, at + 1)) lines += 1;
      lastByte = chunk[read - 1] ?? NEWLINE;
    }
    return lastByte === NEWLINE ? lines : lines + 1;
  } finally {
    closeSync(fd);
  }
}

/** The last line of a file, read backwards from its end; null for an empty file, text null for a line too long. */
function readLastLine(path: string): { text: string | null; terminated: boolean } | null {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return null;
    const lastByte = Buffer.alloc(1);
    readSync(fd, lastByte, 0, 1, size - 1);
    const terminated = lastByte[0] === NEWLINE;
    const end = terminated ? size - 1 : size;
    const chunks: Buffer[] = [];
    let start = end;
    while (start > 0 && end - start < MAX_TAIL_LINE_BYTES) {
      const from = Math.max(0, start - TAIL_CHUNK_BYTES);
      const chunk = Buffer.alloc(start - from);
      readSync(fd, chunk, 0, chunk.length, from);
      const newline = chunk.lastIndexOf(NEWLINE);
      if (newline !== -1) {
        chunks.unshift(chunk.subarray(newline + 1));
        return { text: Buffer.concat(chunks).toString('utf8'), terminated };
      }
      chunks.unshift(chunk);
      start = from;
    }
    return { text: start === 0 ? Buffer.concat(chunks).toString('utf8') : null, terminated };
  } finally {
    closeSync(fd);
  }
}

/** null: missing or empty file. */
function readTail(path: string): ReturnType<typeof readLastLine> | 'unreadable' {
  if (!existsSync(path)) return null;
  try {
    return readLastLine(path);
  } catch {
    return 'unreadable';
  }
}

/** The last line's hash and time; null when it cannot be read or states no hash. */
function lastChainLine(tail: ReturnType<typeof readLastLine> | 'unreadable'): { hash: string; time: string | null; seq: number | null } | null {
  if (tail === 'unreadable' || tail === null || tail.text === null) return null;
  const fields = chainFields(tail.text);
  return fields === null || fields.hash === null ? null : { hash: fields.hash, time: fields.time, seq: fields.seq };
}

function dayOf(time: string | null): string | null {
  return time !== null && /^\d{4}-\d{2}-\d{2}T/.test(time) ? time.slice(0, 10) : null;
}

interface ChainEnds {
  file: string;
  firstPrevHash: string;
  lastHash: string;
}

/** null when the file cannot be read or its first or last line is not a chain line. */
function chainEnds(file: string): ChainEnds | 'empty' | null {
  try {
    const first = firstLine(file);
    if (first === null) return 'empty';
    const firstPrevHash = chainFields(first)?.prevHash ?? null;
    const last = readLastLine(file)?.text ?? null;
    const lastHash = last === null ? null : (chainFields(last)?.hash ?? null);
    return firstPrevHash === null || lastHash === null ? null : { file, firstPrevHash, lastHash };
  } catch {
    return null;
  }
}

function firstLine(file: string): string | null {
  // Leaving the loop early closes the generator and with it the file.
  for (const line of fileLines(file)) return line.text;
  return null;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function liveNameIn(dir: string): string {
  const lives = new Set<string>();
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') || name.endsWith(CHECKPOINTS_SUFFIX) || !statSync(join(dir, name)).isFile()) continue;
    lives.add(parseRotatedName(name)?.live ?? name);
  }
  const only = lives.size === 1 ? [...lives][0] : undefined;
  if (only !== undefined) return only;
  if (lives.has(DEFAULT_LIVE_NAME)) return DEFAULT_LIVE_NAME;
  if (lives.size === 0) throw new Error(`${dir} holds no audit files`);
  throw new Error(`${dir} holds more than one series (${[...lives].sort().join(', ')}): name the live file instead`);
}
