import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultsDir } from './paths.js';

/** Writes `bench-<date>.md`, `.json` and `.cpuprofile` under test/bench/results/ (ignored by git); returns the common path. */
export function writeResults(date: string, markdown: string, json: unknown, cpuProfile: string): string {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, '.gitignore'), '*\n');
  const base = join(resultsDir, `bench-${date.replace(/[:.]/g, '-')}`);
  writeFileSync(`${base}.md`, markdown);
  writeFileSync(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  copyFileSync(cpuProfile, `${base}.cpuprofile`);
  return base;
}
