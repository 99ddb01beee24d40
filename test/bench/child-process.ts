import { spawn, type ChildProcess } from 'node:child_process';
import { httpOnce } from './http-once.js';
import { root } from './paths.js';

export interface Child {
  name: string;
  pid: number;
  /** Milliseconds from spawn() to the first 200 on the ready URL. */
  readyMs: number;
  /** The last few KB the process wrote to stdout and stderr. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
const OUTPUT_KEEP = 8192;
const READY_POLL_MS = 10;
const READY_DEADLINE_MS = 20_000;

/** Kills every child still running, synchronously: for the benchmark's exit and signal handlers. */
export function killAllChildren(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Only what a process needs, so that nothing from npm or tsx (NODE_OPTIONS, npm_*) leaks into the targets. */
function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** The core a target runs on; the load generator and the upstream share the other one. */
export const TARGET_CORE = '0';
export const LOAD_CORE = '1';

/** `command` run on one CPU core only (taskset execs it: the process keeps the pid the benchmark reads /proc of). */
export function pinned(core: string, command: readonly string[]): string[] {
  return ['taskset', '-c', core, ...command];
}

/** `node <args>` on the target core, with the node binary running the benchmark. */
export function pinnedNode(args: readonly string[]): string[] {
  return pinned(TARGET_CORE, [process.execPath, ...args]);
}

/**
 * Starts `command` from the repository root and waits, polling every 10 ms, for a 200 on `readyUrl`.
 * Throws (after killing it) if it exits first or is not ready within 20 s.
 */
export async function startChild(name: string, command: readonly string[], env: Record<string, string>, readyUrl: string): Promise<Child> {
  const started = performance.now();
  const [file, ...args] = command;
  if (file === undefined) throw new Error(`${name}: no command`);
  const child = spawn(file, args, { cwd: root, env: { ...baseEnvironment(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEEP);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const done = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      keep(Buffer.from(`\n[${name} exited: code ${String(code)}, signal ${String(signal)}]\n`));
      resolve();
    }),
  );
  void done.then(() => live.delete(child));

  let readyMs: number | undefined;
  while (readyMs === undefined) {
    if (exited(child)) throw new Error(`${name} exited (${String(child.exitCode ?? child.signalCode)}) before it was ready:\n${output}`);
    if (performance.now() - started > READY_DEADLINE_MS) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within ${READY_DEADLINE_MS} ms:\n${output}`);
    }
    const status = await httpOnce(readyUrl, { timeoutMs: 1000 }).then(
      (a) => a.status,
      () => 0,
    );
    if (status === 200) readyMs = performance.now() - started;
    else await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  if (child.pid === undefined) throw new Error(`${name} has no pid`);
  return {
    name,
    pid: child.pid,
    readyMs,
    output: () => output,
    async stop(graceMs = 20_000) {
      if (exited(child)) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await done;
      clearTimeout(timer);
    },
  };
}
