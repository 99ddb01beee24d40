/**
 * Naming of rotated audit files.
 *
 * The live file keeps its configured name (e.g. audit/audit.log). Rotation renames it to `<live>.<n>` with n zero
 * padded to six digits (audit.log.000001, audit.log.000002, ...): n is one more than the highest n already present,
 * so the smallest n is the oldest file, no file is ever renamed twice, and `ls` lists the series oldest first. The
 * chain order is therefore: every `<live>.<n>` by ascending n, then `<live>`. Daily rotation uses the same names; the
 * lines' own `time` fields say which day a file covers.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface RotatedFile {
  path: string;
  n: number;
}

const DIGITS = 6;

export function rotatedPath(live: string, n: number): string {
  return `${live}.${String(n).padStart(DIGITS, '0')}`;
}

/** If `name` is a rotated name, the live file's name and n. */
export function parseRotatedName(name: string): { live: string; n: number } | null {
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
