import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const root = fileURLToPath(new URL('../..', import.meta.url));
/** What production runs (`npm start`), built by `npm run build`. */
export const distServer = join(root, 'dist', 'server.js');
/** Where runs are written; ignored by git (the benchmark writes a `.gitignore` of `*` there). */
export const resultsDir = join(root, 'test', 'bench', 'results');
/** The child processes' scripts, transpiled to plain JavaScript at every run (under resultsDir, so ignored too). */
export const buildDir = join(resultsDir, 'build');
/** Sources of the child processes, next to this file. */
export const benchDir = join(root, 'test', 'bench');

/** Node's flags in `npm start` (and the Dockerfile's CMD): the benchmark runs the gateway exactly as production does. */
export function productionNodeFlags(): string[] {
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const words = start.split(' ');
  if (words[0] !== 'node' || words.at(-1) !== 'dist/server.js') throw new Error(`npm start is not "node [flags] dist/server.js": ${start}`);
  return words.slice(1, -1);
}

/** glibc's malloc setting that the production image sets (the Dockerfile's ENV), which the benchmark gives A too. */
export function imageMallocEnvironment(): Record<string, string> {
  const arenas = /\bMALLOC_ARENA_MAX=(\d+)/.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))?.[1];
  return arenas === undefined ? {} : { MALLOC_ARENA_MAX: arenas };
}
