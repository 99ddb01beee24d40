import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Compiles src/ into `dir`/dist beside links to the repository's package.json and node_modules: what `npm start`
 * runs, without touching the repository's own dist/. Returns the directory to run `node ... dist/server.js` in.
 */
export function buildGatewayInto(dir: string): string {
  mkdirSync(dir, { recursive: true });
  symlinkSync(join(root, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], {
    stdio: 'pipe',
  });
  return dir;
}
