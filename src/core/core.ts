import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createAuthenticator } from '../access/authenticate.js';
import type { CallerCredentials } from '../access/credentials.js';
import { createRateLimits, type Counted } from '../access/rate-limits.js';
import { connectRedis, redisProblem, waitForRedis } from '../access/redis.js';
import { createSignedIdentities } from '../access/signed-identities.js';
import { AuditLog } from '../audit/audit-log.js';
import { clientsChange, gatewayEvent, type GatewayEventKind } from '../audit/gateway-events.js';
import { auditLogOptions } from '../audit/log-options.js';
import { groupUsersFetcher, PersonDirectory } from '../audit/people.js';
import { freeBytesFor } from '../audit/free-space.js';
import type { Operation } from '../catalog/operation.js';
import { operations } from '../catalog/operations.js';
import type { GatewayConfig } from '../config.js';
import { auditUnavailable } from '../errors.js';
import { GatewayMetrics } from '../metrics/metrics.js';
import type { Client } from '../security/client.js';
import { ClientRegistry } from '../security/client-registry.js';
import { watchedApiKey } from '../upstream/api-key-metrics.js';
import { UpstreamClient } from '../upstream/client.js';
import { callRecorded } from '../tracing/recorded-calls.js';
import { version } from '../version.js';
import { createAnonymousLimit, type AnonymousLimit } from './anonymous-limit.js';
import { auditEntryOf, auditIntentOf, type CallRecord } from './call-record.js';
import { KeyOwnerDirectory } from './key-owner.js';
import { createLinkRewriter, VIRUSTOTAL_API_PREFIX } from './link-rewrite.js';
import { createRunner, type OperationRunner } from './runner.js';

export type RuntimeConfig = GatewayConfig & { vtApiKey: string };

/** Resources a caller may hand in; the caller then keeps them and closes them. Absent ones the core makes and closes. */
export interface CoreDeps {
  log: Logger;
  clients?: ClientRegistry;
  audit?: AuditLog;
  redis?: Redis;
}

/** A readiness problem by name; empty when ready. */
export type ReadinessFailures = Record<string, string>;

/** What every channel shares: who is calling, their budget, the call itself, and its record. */
export interface Core {
  readonly config: RuntimeConfig;
  readonly operations: readonly Operation[];
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
  /** TRUST_PROXY as a list: peers whose X-Forwarded-For and trusted client header are believed. */
  readonly trustedProxies: readonly string[];
  /** Synchronous for static client tokens; a promise for signed tokens (OIDC JWT, front-gateway assertion). */
  authenticate(credentials: CallerCredentials): Client | Promise<Client>;
  /** Calls nobody answers for (unauthenticated, unknown routes), limited per source address. */
  readonly anonymous: AnonymousLimit;
  /** Counts one call against the client's budget for the operation; gives the RateLimit headers or throws 429. */
  admit(client: Client, op: Pick<Operation, 'budget'>): Counted<Record<string, string>>;
  run: OperationRunner;
  /**
   * Writes the call's audit line (group commit); `done` learns whether it is on the record. A call marked
   * `unrecorded` (over the anonymous limit) is only counted.
   */
  record(call: CallRecord, status: number, done: (err: Error | null) => void): void;
  /** Every check, Redis pinged with REDIS_COMMAND_TIMEOUT_MS: resolves within that time. */
  readiness(): Promise<ReadinessFailures>;
  /** What is degraded without failing readiness: an identity provider unreachable, the key file unusable. */
  readinessNotes(): Record<string, string>;
  /** The newest signed audit checkpoint, served on the metrics port for an outside collector; null when none. */
  latestAuditCheckpoint(): string | null;
  /** Puts one of the gateway's own events on the audit record (gateway-events.ts); resolves once it is stored or failed (logged). */
  recordEvent(kind: GatewayEventKind, change: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/** A comma-separated setting as its non-empty parts. */
export function listOf(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Builds the core from the configuration, outside any server: the channels receive it, they never wire it. */
export async function createCore(config: RuntimeConfig, deps: CoreDeps): Promise<Core> {
  const { log } = deps;
  const closers: (() => Promise<void> | void)[] = [];
  const auditEventDone = (err: Error | null): void => {
    if (err !== null) log.error({ err }, 'audit: a gateway event could not be recorded');
  };

  let clients = deps.clients;
  if (clients === undefined) {
    if (config.clientsFile === undefined) throw new Error('GATEWAY_CLIENTS_FILE is required (mint clients with `vtgw token`)');
    const registry = ClientRegistry.load(config.clientsFile, {
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      reloaded: (before, after) => audit?.enqueue(gatewayEvent('clientsReload', clientsChange(before, after)), auditEventDone),
    });
    registry.watch();
    closers.push(() => registry.close());
    clients = registry;
  }
  let audit = deps.audit;
  if (audit === undefined) {
    const opened = AuditLog.open({
      path: config.auditLogPath,
      maxBytes: config.auditMaxBytes,
      rotateDaily: config.auditRotateDaily,
      retainFiles: config.auditRetainFiles,
      retainBytes: config.auditRetainBytes,
      ...auditLogOptions(config),
    });
    closers.push(() => opened.close());
    audit = opened;
  }
  let redis = deps.redis;
  if (redis === undefined && config.redisUrl !== undefined) {
    const connected = await connectRedis(config.redisUrl, log, config.redisCommandTimeoutMs);
    closers.push(() => connected.disconnect());
    if (!(await waitForRedis(connected, 2000))) log.warn('redis not reachable yet; rate limits follow RATE_LIMIT_FAIL_OPEN');
    redis = connected;
  }

  const limits = createRateLimits({
    readsPerMinute: config.readsPerMinute,
    writesPerMinute: config.writesPerMinute,
    upstreamBudgetPerMinute: config.upstreamBudgetPerMinute,
    upstreamWriteReservePercent: config.upstreamWriteReservePercent,
    failOpen: config.rateLimitFailOpen,
    ...(redis === undefined ? {} : { redis }),
  });
  const metrics = new GatewayMetrics();
  const apiKey = watchedApiKey(config, log, metrics.registry);
  closers.push(() => apiKey.close());
  const upstream = new UpstreamClient({
    baseUrl: config.vtApiBaseUrl,
    apiKey,
    userAgent: `vt-access-gateway/${version}`,
    connectTimeoutMs: config.upstreamConnectTimeoutMs,
    headersTimeoutMs: config.upstreamHeadersTimeoutMs,
    bodyTimeoutMs: config.upstreamBodyTimeoutMs,
    callerReadTimeoutMs: config.callerReadTimeoutMs,
    maxResponseBytes: config.upstreamMaxResponseBytes,
    connections: config.upstreamConnections,
    retry: { retries: config.upstreamRetries, baseDelayMs: config.upstreamRetryBaseMs },
    breaker: { failureThreshold: config.breakerFailureThreshold, openMs: config.breakerOpenMs },
    spendBudget: (kind) => limits.upstream(kind),
  });
  closers.push(() => upstream.close());

  const trustedProxies = listOf(config.trustProxy);
  const keyOwners = new KeyOwnerDirectory(upstream, () => apiKey.current, { username: config.keyOwner, email: config.keyOwnerEmail, groups: listOf(config.keyOwnerGroups) }, log, (owner) =>
    auditLog.enqueue(gatewayEvent('keyOwnerResolved', { keyOwner: owner.username, groups: [...owner.groups] }), auditEventDone),
  );
  void keyOwners.owner();
  apiKey.onSwitch((fingerprint) => {
    auditLog.enqueue(gatewayEvent('keyRotated', { keyFingerprint: fingerprint }), auditEventDone);
    keyOwners.relookUp();
  });
  const identities = await createSignedIdentities(config, clients, metrics.registry, log);
  const people = new PersonDirectory(groupUsersFetcher((path) => upstream.request({ method: 'GET', path, requestId: `audit-people-${Date.now()}` })), {
    refreshMs: config.auditPeopleRefreshSeconds * 1000,
    off: config.auditPeopleRefreshSeconds === 0,
    failed: (group, err) => log.warn({ group, err: err instanceof Error ? err.message : String(err) }, 'audit: the users of a group could not be looked up'),
  });
  const auditLog = audit;
  // Metrics and readiness learn of every line written or lost from the audit log itself, whichever channel sent it.
  const unobserve = auditLog.observe({
    written: (entry) => {
      if (entry.outcome !== 'intent' && entry.channel !== 'gateway') metrics.observe(entry);
    },
    failed: (err, entry) => {
      metrics.auditWriteFailures.inc();
      log.error({ err, requestId: entry.requestId }, 'audit write failed');
    },
  });
  closers.unshift(unobserve);
  const sharedRedis = redis;
  const auditFile = auditLog.path === '-' ? null : auditLog.path;
  if (auditFile !== null) metrics.watchAuditVolume(() => freeBytesFor(auditFile));
  const anonymous = createAnonymousLimit({
    perMinute: config.anonymousRequestsPerMinute,
    summarise: (address, unrecorded) =>
      log.warn({ clientIp: address.slice(0, 64), unrecorded }, 'unauthenticated requests over the per-address limit were refused without an audit line each'),
  });
  closers.push(() => anonymous.close());

  return {
    config,
    operations,
    metrics,
    log,
    trustedProxies,
    authenticate: createAuthenticator({
      registry: clients,
      trustProxy: [...trustedProxies],
      trustedClientHeader: config.trustedClientHeader,
      ...(identities.assertions === undefined ? {} : { assertions: identities.assertions }),
      ...(identities.bearerJwts === undefined ? {} : { bearerJwts: identities.bearerJwts }),
    }),
    admit: (client, op) => limits.client(client, op.budget),
    run: createRunner({
      upstream,
      keyOwner: () => keyOwners.owner(),
      keyOwnerMinDailyAllowance: config.keyOwnerMinDailyAllowance,
      recordIntent: (call) =>
        new Promise((resolve, reject) => {
          auditLog.enqueue(auditIntentOf(call), (err) => {
            if (err !== null) {
              reject(auditUnavailable());
              return;
            }
            call.intentRecorded = true;
            resolve();
          });
        }),
      // Without PUBLIC_BASE_URL the links keep only their path: a client following one cannot carry its token out.
      rewriteLinks: createLinkRewriter({ sources: [VIRUSTOTAL_API_PREFIX, config.vtApiBaseUrl], publicBaseUrl: config.publicBaseUrl ?? config.basePath }),
    }),
    anonymous,
    record(call, status, done) {
      if (call.unrecorded) {
        metrics.anonymousUnrecorded.inc();
        done(null);
        return;
      }
      const entry = people.withPeople(auditEntryOf(call, status));
      callRecorded(entry);
      auditLog.enqueue(entry, done);
    },
    async readiness() {
      const failures: ReadinessFailures = identities.notReady();
      if (!auditLog.isWritable() || auditLog.lastWriteFailed) failures.auditLog = 'audit log not writable';
      const free = auditFile === null || config.auditMinFreeBytes === 0 ? null : freeBytesFor(auditFile);
      if (free !== null && free < config.auditMinFreeBytes) {
        failures.auditVolume = `audit volume has ${free} bytes free, below AUDIT_MIN_FREE_BYTES`;
      }
      if (upstream.circuitState === 'open') failures.upstream = 'circuit to VirusTotal is open';
      const redisDown = sharedRedis === undefined ? undefined : await redisProblem(sharedRedis, config.redisCommandTimeoutMs);
      if (redisDown !== undefined) failures.redis = redisDown;
      return failures;
    },
    readinessNotes() {
      const notes = identities.degraded();
      if (apiKey.problem !== undefined) notes.virusTotalKey = `VIRUSTOTAL_API_KEY_FILE unusable, the last good key stays in use: ${apiKey.problem}`;
      return notes;
    },
    latestAuditCheckpoint: () => auditLog.latestCheckpoint(),
    recordEvent: (kind, change) =>
      new Promise((resolve) => {
        auditLog.enqueue(gatewayEvent(kind, change), (err) => {
          auditEventDone(err);
          resolve();
        });
      }),
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}
