import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { benchDir, buildDir, resultsDir } from './paths.js';

/**
 * Transpiles a self-contained child script (imports only packages and node: modules) to plain ESM, so that the
 * bare and the thin proxy run on plain `node` like the built gateway does. Run through `--import tsx`
 * they would carry tsx's loader thread, about 45 MB of RSS, and their memory column would mean nothing.
 * The output sits under the repository so that its package imports resolve from the project's node_modules.
 */
export function buildChild(name: 'bare-proxy' | 'thin-proxy'): string {
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(join(resultsDir, '.gitignore'), '*\n');
  const source = readFileSync(join(benchDir, `${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: `${name}.ts`,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const out = join(buildDir, `${name}.mjs`);
  writeFileSync(out, outputText);
  return out;
}
