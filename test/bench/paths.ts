import { fileURLToPath } from 'node:url';
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
