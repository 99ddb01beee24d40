import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../../src/security/token.js';
import { writeClientsFile } from '../helpers/clients-file.js';
import { freePort } from '../helpers/redis.js';
import { pinnedNode, startChild, type Child } from './child-process.js';
import { imageMallocEnvironment, productionNodeFlags, root } from './paths.js';

export type TargetId = 'A' | 'T' | 'B' | 'C';

export const TARGET_NAMES: Record<TargetId, string> = {
  A: 'A gateway (everything on)',
  T: 'T gateway as A, with tracing on (OTLP/HTTP to a local sink)',
  B: 'B bare reply-from proxy',
  C: 'C thin fastify + undici proxy',
};

export interface Target {
  id: TargetId;
  child: Child;
  /** e.g. http://127.0.0.1:PORT; every target serves the gateway's paths (`/v1/...`). */
  url: string;
  /** Headers every request to this target carries (A and T: the client token). */
  headers: Record<string, string>;
}

export interface BenchSetup {
  /** The key the upstream expects and the proxies inject. */
  vtKey: string;
  /** A client token of the gateway's clients file. */
  token: string;
  clientsFile: string;
  /** The Ed25519 key (PKCS#8 PEM) the gateway signs audit checkpoints with. */
  signingKeyFile: string;
  /** A temporary directory of this run (audit logs, nginx, wrk scripts go below it). */
  workDir: string;
}

/** A new temporary directory (its name begins with `prefix`) with a client token and its clients file, an audit signing key and a key for the upstream. */
export function newBenchSetup(prefix: string): BenchSetup {
  const workDir = mkdtempSync(join(tmpdir(), prefix));
  const token = mintToken();
  const signingKeyFile = join(workDir, 'audit-signing.key');
  writeFileSync(signingKeyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return { vtKey: virusTotalShapedKey(), token, clientsFile: writeClientsFile(workDir, token, 'svc-bench'), signingKeyFile, workDir };
}

const LIMIT_NEVER = '1000000000';

/**
 * A key shaped like a VirusTotal API key, 64 lowercase hex digits: what the gateway scans every answer for depends on
 * the key's letters (its `\u00XX` and `%XX` forms coincide in either case of hex digit only for hex keys, so four
 * forms are searched instead of six), and the benchmark measures that scan as it is against the real VirusTotal.
 */
export function virusTotalShapedKey(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Where the gateway says callers reach it, as a deployment sets it: the links of every answer are rewritten to it.
 * As long as VirusTotal's prefix less `/v1`, so that every target serves the same number of bytes.
 */
const SAME_LENGTH_PUBLIC_BASE_URL = `https://${'x'.repeat('https://www.virustotal.com/api/v3'.length - '/v1'.length - 'https://'.length)}`;

/**
 * The gateway's environment with everything on (links rewritten too): auth, scopes, validation, limits too high to trigger, audit with
 * signed checkpoints (unless `checkpoints` is false), metrics. The key owner is configured, so that the gateway
 * asks the upstream nothing but the calls measured.
 */
export async function gatewayEnvironment(setup: BenchSetup, upstreamUrl: string, auditName: string, checkpoints = true): Promise<Record<string, string>> {
  return {
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    MCP_PORT: String(await freePort()),
    METRICS_PORT: String(await freePort()),
    VT_API_BASE_URL: `${upstreamUrl}/api/v3`,
    VIRUSTOTAL_API_KEY: setup.vtKey,
    VIRUSTOTAL_KEY_OWNER: 'bench_key_owner',
    VIRUSTOTAL_KEY_OWNER_GROUPS: 'bench_owner_group',
    GATEWAY_CLIENTS_FILE: setup.clientsFile,
    AUDIT_LOG_PATH: join(setup.workDir, auditName, 'audit.log'),
    ...(checkpoints ? { AUDIT_SIGNING_KEY_FILE: setup.signingKeyFile } : {}),
    RATE_LIMIT_READS_PER_MINUTE: LIMIT_NEVER,
    RATE_LIMIT_WRITES_PER_MINUTE: LIMIT_NEVER,
    UPSTREAM_BUDGET_PER_MINUTE: LIMIT_NEVER,
    PUBLIC_BASE_URL: SAME_LENGTH_PUBLIC_BASE_URL,
    LOG_LEVEL: 'warn',
    ...imageMallocEnvironment(),
  };
}

/**
 * Starts a built gateway as `npm start` does (plus `nodeFlags`) on the target core and waits for /healthz: the
 * repository's own build, or the `dist/` of another checkout in `buildDir` (compare.ts).
 */
export async function startGateway(env: Record<string, string>, nodeFlags: string[] = [], name = 'gateway', buildDir = root): Promise<Child> {
  const dist = join(buildDir, 'dist');
  const flags = productionNodeFlags().map((flag) => (flag.startsWith('./dist/') ? join(dist, flag.slice('./dist/'.length)) : flag));
  return startChild(name, pinnedNode([...flags, ...nodeFlags, join(dist, 'server.js')]), env, `http://127.0.0.1:${env.PORT ?? ''}/healthz`);
}

export function gatewayTarget(child: Child, env: Record<string, string>, token: string, id: 'A' | 'T' = 'A'): Target {
  return { id, child, url: `http://127.0.0.1:${env.PORT ?? ''}`, headers: { authorization: `Bearer ${token}` } };
}

/** A proxy script (see child-build.ts) on the target core: B (`bare-proxy`) or C (`thin-proxy`). */
export async function startProxy(id: 'B' | 'C', script: string, upstreamUrl: string, vtKey: string): Promise<Target> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild(TARGET_NAMES[id], pinnedNode([script]), { PORT: String(port), UPSTREAM_ORIGIN: upstreamUrl, VT_KEY: vtKey }, `${url}/healthz`);
  return { id, child, url, headers: {} };
}
