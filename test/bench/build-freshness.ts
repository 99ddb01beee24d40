import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { distServer, root } from './paths.js';

/** Undefined when dist/server.js exists and is newer than every file under src/; otherwise why not. */
export function staleBuild(): string | undefined {
  if (!existsSync(distServer)) return 'dist/server.js is missing: run `npm run build` first';
  const built = statSync(distServer).mtimeMs;
  const src = join(root, 'src');
  const newer = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .filter((f) => statSync(join(src, f)).mtimeMs > built);
  if (newer.length === 0) return undefined;
  return `src/ changed after the last build (${newer.slice(0, 3).join(', ')}${newer.length > 3 ? ', ...' : ''}): the benchmark measures dist/`;
}
