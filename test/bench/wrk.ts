import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOAD_CORE, pinned } from './child-process.js';
import { findProgram } from './prerequisites.js';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  durationS: number;
  /** Where the run's Lua script is written (it holds the headers, a client token among them: not on a command line). */
  scriptDir: string;
}

export interface LoadResult {
  /** Complete answers per second over the run (wrk counts only answers whose body arrived whole). */
  rps: number;
  /** Latency percentiles in ms (wrk's histogram). */
  p50: number;
  p99: number;
  /** Response bytes per second. */
  bytesPerSec: number;
  /** Complete answers, any status. */
  requests: number;
  /** Answers with a status outside 2xx/3xx (wrk's summary.errors.status). */
  non2xx: number;
  /** Connect, read and write errors and timeouts. */
  errors: number;
}

const MARK = 'WRK_RESULT ';

/** A Lua string literal: JSON's double-quoted strings are Lua's too for printable ASCII. */
function luaString(text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error('wrk script strings must be printable ASCII');
  return JSON.stringify(text);
}

/** The request (method, headers, body) and a done() hook printing wrk's own figures as one JSON line. */
export function wrkScript(spec: Pick<LoadSpec, 'method' | 'headers' | 'body'>): string {
  const lines = [`wrk.method = ${luaString(spec.method)}`];
  for (const [name, value] of Object.entries(spec.headers)) lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  if (spec.body !== undefined) lines.push(`wrk.body = ${luaString(spec.body)}`);
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    `  io.write(string.format('${MARK}{"requests":%.0f,"durationUs":%.0f,"bytes":%.0f,"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f,"p50Us":%.1f,"p99Us":%.1f}\\n',`,
    '    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,',
    '    latency:percentile(50), latency:percentile(99)))',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

interface WrkFigures {
  requests: number;
  durationUs: number;
  bytes: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50Us: number;
  p99Us: number;
}

function figuresOf(stdout: string): WrkFigures {
  const line = stdout.split('\n').find((l) => l.startsWith(MARK));
  if (line === undefined) throw new Error(`wrk printed no result:\n${stdout.slice(-2000)}`);
  const parsed: unknown = JSON.parse(line.slice(MARK.length));
  const fields = new Map<string, unknown>(typeof parsed === 'object' && parsed !== null ? Object.entries(parsed) : []);
  const value = (name: keyof WrkFigures): number => {
    const v = fields.get(name);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`wrk's result has no number ${name}: ${line}`);
    return v;
  };
  return {
    requests: value('requests'),
    durationUs: value('durationUs'),
    bytes: value('bytes'),
    connect: value('connect'),
    read: value('read'),
    write: value('write'),
    status: value('status'),
    timeout: value('timeout'),
    p50Us: value('p50Us'),
    p99Us: value('p99Us'),
  };
}

let runs = 0;

/** One wrk run on the load core: 1 thread, `connections` keep-alive connections, `durationS` seconds. */
export async function runWrk(spec: LoadSpec): Promise<LoadResult> {
  const wrk = findProgram('wrk');
  if (wrk === undefined) throw new Error('wrk is not installed');
  const script = join(spec.scriptDir, `wrk-${process.pid}-${runs++}.lua`);
  writeFileSync(script, wrkScript(spec), { mode: 0o600 });
  const args = ['-t1', `-c${spec.connections}`, `-d${spec.durationS}s`, '--timeout', '10s', '-s', script, spec.url];
  const [file, ...rest] = pinned(LOAD_CORE, [wrk, ...args]);
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(file ?? 'taskset', rest, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), (spec.durationS + 30) * 1000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(guard);
      if (code === 0) resolve(out);
      else reject(new Error(`wrk exited ${String(code)}: ${err.slice(-1000)}${out.slice(-1000)}`));
    });
  });
  const f = figuresOf(stdout);
  const seconds = Math.max(1e-6, f.durationUs / 1e6);
  return {
    rps: f.requests / seconds,
    p50: f.p50Us / 1000,
    p99: f.p99Us / 1000,
    bytesPerSec: f.bytes / seconds,
    requests: f.requests,
    non2xx: f.status,
    errors: f.connect + f.read + f.write + f.timeout,
  };
}
