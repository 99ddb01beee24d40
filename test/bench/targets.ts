import { join } from 'node:path';
import { freePort } from '../helpers/redis.js';
import { startChild, type Child } from './child-process.js';
import { distServer, productionNodeFlags } from './paths.js';

export type TargetId = 'A' | 'T' | 'B' | 'C';

export const TARGET_NAMES: Record<TargetId, string> = {
  A: 'A gateway (everything on)',
  T: 'T gateway as A, with tracing on (OTLP/HTTP to a local sink)',
  B: 'B bare reply-from proxy',
  C: 'C upstream directly',
};

export interface Target {
  id: TargetId;
  child: Child;
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  /** Headers every request to this target carries (A: the client token; C: the API key, as a direct caller sends). */
  headers: Record<string, string>;
  /** Maps a gateway path (`/v1/...`) to this target's path. */
  path(gatewayPath: string): string;
}

export interface BenchSetup {
  /** The key the fake upstream expects and the proxies inject. */
  vtKey: string;
  /** A client token of the gateway's clients file. */
  token: string;
  clientsFile: string;
  /** A temporary directory of this run (audit logs go below it). */
  workDir: string;
}

const LIMIT_NEVER = '1000000000';

/** The gateway's environment with everything on: auth, scopes, validation, limits too high to trigger, audit, metrics. */
export async function gatewayEnvironment(setup: BenchSetup, upstreamUrl: string, auditName: string): Promise<Record<string, string>> {
  return {
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    MCP_PORT: String(await freePort()),
    METRICS_PORT: String(await freePort()),
    VT_API_BASE_URL: `${upstreamUrl}/api/v3`,
    VIRUSTOTAL_API_KEY: setup.vtKey,
    GATEWAY_CLIENTS_FILE: setup.clientsFile,
    AUDIT_LOG_PATH: join(setup.workDir, auditName, 'audit.log'),
    RATE_LIMIT_READS_PER_MINUTE: LIMIT_NEVER,
    RATE_LIMIT_WRITES_PER_MINUTE: LIMIT_NEVER,
    UPSTREAM_BUDGET_PER_MINUTE: LIMIT_NEVER,
    LOG_LEVEL: 'warn',
  };
}

/** Starts the built gateway as `npm start` does (plus `nodeFlags`) and waits for /healthz. */
export async function startGateway(env: Record<string, string>, nodeFlags: string[] = [], name = 'gateway'): Promise<Child> {
  return startChild(name, [...productionNodeFlags(), ...nodeFlags, distServer], env, `http://127.0.0.1:${env.PORT ?? ''}/healthz`);
}

export async function startUpstream(script: string, vtKey: string): Promise<Target> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild('fake upstream', [script], { PORT: String(port), VT_KEY: vtKey }, `${url}/healthz`);
  return { id: 'C', child, url, headers: { 'x-apikey': vtKey }, path: (p) => `/api/v3${p.slice('/v1'.length)}` };
}

export async function startBareProxy(script: string, upstreamUrl: string, vtKey: string): Promise<Target> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild('bare proxy', [script], { PORT: String(port), UPSTREAM_ORIGIN: upstreamUrl, VT_KEY: vtKey }, `${url}/healthz`);
  return { id: 'B', child, url, headers: {}, path: (p) => p };
}

export function gatewayTarget(child: Child, env: Record<string, string>, token: string): Target {
  return { id: 'A', child, url: `http://127.0.0.1:${env.PORT ?? ''}`, headers: { authorization: `Bearer ${token}` }, path: (p) => p };
}
