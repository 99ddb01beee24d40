import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root } from './paths.js';

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** Packages grouped into the families the report speaks of; any other package is its own family. */
const FAMILIES: [RegExp, string][] = [
  [
    /^(fastify|@fastify\/.*|find-my-way|avvio|light-my-request|fast-json-stringify|fast-querystring|fast-uri|fastify-plugin|toad-cache|abstract-logging|process-warning|rfdc|secure-json-parse|content-type|fast-decode-uri-component|safe-regex2|ret)$/,
    'fastify',
  ],
  [/^undici$/, 'undici'],
  [/^(pino|sonic-boom|thread-stream|pino-std-serializers|on-exit-leak-free|atomic-sleep|quick-format-unescaped|safe-stable-stringify)$/, 'pino'],
  [/^@sinclair\/typebox$/, 'typebox'],
  [/^prom-client$/, 'prom-client'],
];

function packageOf(path: string): string | undefined {
  const at = path.lastIndexOf('/node_modules/');
  if (at === -1) return undefined;
  const parts = path.slice(at + '/node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') === true ? `${parts[0]}/${parts[1] ?? ''}` : parts[0];
}

function pathOf(url: string): string {
  return url.startsWith('file:') ? fileURLToPath(url) : url;
}

/**
 * Who owns a frame: `ours` (dist/ or src/), a package's name, `node` (node: modules), `gc`, `idle`, or `native`
 * (V8 builtins and Node's C++ bindings, which have no script: writev, writeString, ...).
 */
export function ownerOf(frame: CallFrame): string {
  if (frame.functionName === '(idle)') return 'idle';
  if (frame.functionName === '(garbage collector)') return 'gc';
  if (frame.url.startsWith('node:')) return 'node';
  if (frame.url === '') return 'native';
  const pkg = packageOf(frame.url);
  if (pkg !== undefined) return pkg;
  const rel = relative(root, pathOf(frame.url));
  return rel.startsWith('dist/') || rel.startsWith('src/') ? 'ours' : 'other';
}

export function familyOf(owner: string): string {
  for (const [pattern, family] of FAMILIES) if (pattern.test(owner)) return family;
  return owner;
}

const maps = new Map<string, { map: SourceMap; dir: string } | null>();

/** Our built code's position mapped back to src/ through dist's source map (1-based line), or undefined. */
function sourceLocation(file: string, line0: number, column0: number): string | undefined {
  let entry = maps.get(file);
  if (entry === undefined) {
    const mapFile = `${file}.map`;
    entry = existsSync(mapFile)
      ? { map: new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload), dir: dirname(mapFile) }
      : null;
    maps.set(file, entry);
  }
  if (entry === null) return undefined;
  const found = entry.map.findEntry(line0, Math.max(0, column0));
  if (!('originalSource' in found)) return undefined;
  const source = found.originalSource.startsWith('file:') ? fileURLToPath(found.originalSource) : resolve(entry.dir, found.originalSource);
  return `${relative(root, source)}:${found.originalLine + 1}`;
}

/** `path:line` (1-based): src/ for our code, the path below node_modules for packages, `(native)` without a script. */
export function locationOf(frame: CallFrame): string {
  if (frame.url === '') return '(native)';
  const path = pathOf(frame.url);
  if (ownerOf(frame) === 'ours') {
    return sourceLocation(path, frame.lineNumber, frame.columnNumber) ?? `${relative(root, path)}:${frame.lineNumber + 1}`;
  }
  const shown = path.startsWith('/') ? relative(root, path).replace(/^node_modules\//, '') : path;
  return `${shown}:${frame.lineNumber + 1}`;
}

/** One key per function: name and url:line, as the summary groups them. */
export function frameKey(frame: CallFrame): string {
  return `${frame.functionName}\u0000${frame.url}\u0000${frame.lineNumber}`;
}

export function frameName(frame: CallFrame): string {
  return frame.functionName === '' ? '(anonymous)' : frame.functionName;
}
