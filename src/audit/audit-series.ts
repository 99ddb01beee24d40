import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isChainHash } from './chain-hash.js';
import { fileLines } from './file-lines.js';
import { readLastLine } from './last-line.js';
import { listRotated, parseRotatedName } from './rotated-files.js';

const DEFAULT_LIVE_NAME = 'audit.log';

/**
 * The files of the series that `path` stands for, oldest first by name: a directory's series (its only one, or
 * audit.log's), or a live file with its rotated siblings. A path with no siblings is a series of itself.
 */
export function seriesOf(path: string): string[] {
  if (isDirectory(path)) return seriesOf(join(path, liveNameIn(path)));
  const rotated = listRotated(path).map((file) => file.path);
  return existsSync(path) || rotated.length === 0 ? [...rotated, path] : rotated;
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
    const firstPrevHash = field(first, 'prevHash');
    const lastHash = field(readLastLine(file)?.text ?? null, 'hash');
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

function field(text: string | null, name: 'hash' | 'prevHash'): string | null {
  if (text === null) return null;
  try {
    const value: unknown = (JSON.parse(text) as Record<string, unknown> | null)?.[name];
    return isChainHash(value) ? value : null;
  } catch {
    return null;
  }
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
    if (statSync(join(dir, name)).isFile()) lives.add(parseRotatedName(name)?.live ?? name);
  }
  const only = lives.size === 1 ? [...lives][0] : undefined;
  if (only !== undefined) return only;
  if (lives.has(DEFAULT_LIVE_NAME)) return DEFAULT_LIVE_NAME;
  if (lives.size === 0) throw new Error(`${dir} holds no audit files`);
  throw new Error(`${dir} holds more than one series (${[...lives].sort().join(', ')}): name the live file instead`);
}
