import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './redis.js';

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `src/server.ts` as its own OS process (what `npm start` runs), configured only through the environment;
 * `openFiles` starts it under `ulimit -n` of that many descriptors; `nodeArgs` replaces node's arguments (e.g. the
 * built server with the tracing bootstrap, as `npm start` runs it).
 */
export async function spawnGateway(env: Record<string, string>, opts: { openFiles?: number; nodeArgs?: string[] } = {}): Promise<GatewayProcess> {
  const port = env.PORT ?? String(await freePort());
  const node = [process.execPath, ...(opts.nodeArgs ?? ['--import', 'tsx', 'src/server.ts'])];
  const [command, args] =
    opts.openFiles === undefined
      ? [node[0] as string, node.slice(1)]
      : ['bash', ['-c', `ulimit -n ${opts.openFiles} && exec "$@"`, 'bash', ...node]];
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', METRICS_PORT: '0', MCP_PORT: String(await freePort()), ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`gateway exited (${child.exitCode}): ${output}`);
    if (i > 300) {
      child.kill('SIGKILL');
      throw new Error(`gateway did not come up: ${output}`);
    }
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill(signal);
      return exited;
    },
  };
}
