import { readFileSync } from 'node:fs';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

interface Setting<S extends TSchema = TSchema> {
  env: string;
  schema: S;
  default?: Static<S>;
  secret?: boolean;
  doc: string;
}

const Port = Type.Integer({ minimum: 0, maximum: 65535 });
const Millis = Type.Integer({ minimum: 1, maximum: 3_600_000 });

/** Every setting the gateway reads. The README's configuration table is this list. */
export const settings = {
  port: { env: 'PORT', schema: Port, default: 8080, doc: 'REST API and Swagger UI port.' },
  host: { env: 'HOST', schema: Type.String({ minLength: 1 }), default: '0.0.0.0', doc: 'Address to listen on.' },
  vtApiBaseUrl: {
    env: 'VT_API_BASE_URL',
    schema: Type.String({ pattern: '^https?://[^\\s?#]+$' }),
    default: 'https://www.virustotal.com/api/v3',
    doc: "VirusTotal's API base URL (the simulator's in the demo).",
  },
  vtApiKey: {
    env: 'VIRUSTOTAL_API_KEY',
    schema: Type.String({ minLength: 1 }),
    secret: true,
    doc: 'The VirusTotal API key the gateway injects. Required. Also read from the file named by `VIRUSTOTAL_API_KEY_FILE`.',
  },
  keyOwner: {
    env: 'VIRUSTOTAL_KEY_OWNER',
    schema: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$' }),
    doc: "Username of the account that owns the key; no client may remove, demote or cap it. Unset: looked up from VirusTotal at start (writes that could touch an account answer 503 until it is known).",
  },
  keyOwnerGroups: {
    env: 'VIRUSTOTAL_KEY_OWNER_GROUPS',
    schema: Type.String(),
    default: '',
    doc: "Comma-separated groups holding the key owner, which no client may remove from a threat profile's editors. Looked up from VirusTotal with the owner when `VIRUSTOTAL_KEY_OWNER` is unset.",
  },
  keyOwnerMinDailyAllowance: {
    env: 'VIRUSTOTAL_KEY_OWNER_MIN_DAILY_ALLOWANCE',
    schema: Type.Integer({ minimum: 0 }),
    default: 1000,
    doc: "Lowest daily API allowance a client may set for the key owner's account.",
  },
  upstreamConnectTimeoutMs: {
    env: 'UPSTREAM_CONNECT_TIMEOUT_MS',
    schema: Millis,
    default: 5000,
    doc: 'Time allowed to open a connection to VirusTotal.',
  },
  upstreamHeadersTimeoutMs: {
    env: 'UPSTREAM_HEADERS_TIMEOUT_MS',
    schema: Millis,
    default: 30000,
    doc: "Time allowed for VirusTotal's response headers (504 after).",
  },
  upstreamBodyTimeoutMs: {
    env: 'UPSTREAM_BODY_TIMEOUT_MS',
    schema: Millis,
    default: 30000,
    doc: 'Longest pause allowed between two chunks of the response body.',
  },
  upstreamMaxResponseBytes: {
    env: 'UPSTREAM_MAX_RESPONSE_BYTES',
    schema: Type.Integer({ minimum: 1024 }),
    default: 64 * 1024 * 1024,
    doc: 'Largest response body passed back; a larger one is cut off (502 when known up front).',
  },
  upstreamConnections: {
    env: 'UPSTREAM_CONNECTIONS',
    schema: Type.Integer({ minimum: 1, maximum: 1024 }),
    default: 64,
    doc: 'Keep-alive connections to VirusTotal.',
  },
  upstreamRetries: {
    env: 'UPSTREAM_RETRIES',
    schema: Type.Integer({ minimum: 0, maximum: 5 }),
    default: 2,
    doc: 'Retries of an idempotent GET after a connection error, 503 or 504 (writes and 429 are never retried).',
  },
  upstreamRetryBaseMs: {
    env: 'UPSTREAM_RETRY_BASE_MS',
    schema: Millis,
    default: 100,
    doc: 'Base of the exponential backoff with full jitter between retries.',
  },
  breakerFailureThreshold: {
    env: 'BREAKER_FAILURE_THRESHOLD',
    schema: Type.Integer({ minimum: 1, maximum: 1000 }),
    default: 5,
    doc: 'Consecutive upstream failures (connection errors, timeouts, 5xx) that open the circuit.',
  },
  breakerOpenMs: {
    env: 'BREAKER_OPEN_MS',
    schema: Millis,
    default: 10000,
    doc: 'How long an open circuit answers 503 fast before one probe request is let through.',
  },
  bodyLimitBytes: {
    env: 'BODY_LIMIT_BYTES',
    schema: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024 }),
    default: 65536,
    doc: 'Largest request body accepted (400 beyond).',
  },
  clientsFile: {
    env: 'GATEWAY_CLIENTS_FILE',
    schema: Type.String({ minLength: 1 }),
    doc: 'JSON file of client ids, token digests, scopes and allowlists (`vtgw token` mints entries). Required by `npm start`; reloaded on change and SIGHUP.',
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    schema: Type.String({ pattern: '^[0-9a-fA-F.:/, ]*$' }),
    default: '',
    doc: 'Comma-separated CIDRs of the corporate API gateway. Only peers inside them may set `X-Forwarded-For` or the trusted client header.',
  },
  trustedClientHeader: {
    env: 'TRUSTED_CLIENT_HEADER',
    schema: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }),
    default: '',
    doc: 'Header carrying an already-authenticated client id (e.g. `x-authenticated-client`), honoured only from `TRUST_PROXY` peers. Empty: off.',
  },
  auditLogPath: {
    env: 'AUDIT_LOG_PATH',
    schema: Type.String({ minLength: 1 }),
    default: './audit/audit.log',
    doc: 'Audit log file (hash-chained JSON lines), `-` for stdout.',
  },
  auditMaxBytes: {
    env: 'AUDIT_MAX_BYTES',
    schema: Type.Integer({ minimum: 0 }),
    default: 100 * 1024 * 1024,
    doc: 'Rotate the audit file beyond this size (0: never by size).',
  },
  auditRotateDaily: {
    env: 'AUDIT_ROTATE_DAILY',
    schema: Type.Boolean(),
    default: false,
    doc: 'Also rotate the audit file when the UTC day changes.',
  },
  auditRetainFiles: {
    env: 'AUDIT_RETAIN_FILES',
    schema: Type.Integer({ minimum: 0 }),
    default: 0,
    doc: 'At each rotation, delete the oldest rotated audit files beyond this many (0: keep all). The newest rotated file is always kept.',
  },
  auditRetainBytes: {
    env: 'AUDIT_RETAIN_BYTES',
    schema: Type.Integer({ minimum: 0 }),
    default: 0,
    doc: 'At each rotation, delete the oldest rotated audit files while the series takes more than this (0: no limit). The newest rotated file is always kept.',
  },
  auditMinFreeBytes: {
    env: 'AUDIT_MIN_FREE_BYTES',
    schema: Type.Integer({ minimum: 0 }),
    default: 256 * 1024 * 1024,
    doc: "`/readyz` fails while the audit file's volume has less free space than this (0: no check). Also the metric `vtgw_audit_volume_free_bytes`.",
  },
  auditStatePath: {
    env: 'AUDIT_STATE_PATH',
    schema: Type.String({ minLength: 1 }),
    doc: 'With `AUDIT_LOG_PATH=-`: a file where the last audit hash is kept, so the chain on stdout goes on across restarts (unset: it starts from zeros at each start).',
  },
  auditSigningKeyFile: {
    env: 'AUDIT_SIGNING_KEY_FILE',
    schema: Type.String({ minLength: 1 }),
    doc: 'Ed25519 private key (PKCS#8 PEM, `vtgw audit keygen` or `openssl genpkey -algorithm ed25519`) that signs audit checkpoints; mount it read-only, apart from the audit volume. Unset: no checkpoints, the chain alone (see the audit log section for what that does not protect against).',
  },
  auditCheckpointPath: {
    env: 'AUDIT_CHECKPOINT_PATH',
    schema: Type.String({ minLength: 1 }),
    doc: 'Where signed checkpoints are appended; default `<AUDIT_LOG_PATH>.checkpoints`. Best on another volume or an append-only store.',
  },
  auditCheckpointEveryLines: {
    env: 'AUDIT_CHECKPOINT_EVERY_LINES',
    schema: Type.Integer({ minimum: 1 }),
    default: 1000,
    doc: 'Sign a checkpoint after this many audit lines (also at every rotation, around retention deletions and at shutdown).',
  },
  auditCheckpointEverySeconds: {
    env: 'AUDIT_CHECKPOINT_EVERY_SECONDS',
    schema: Type.Integer({ minimum: 1, maximum: 86400 }),
    default: 60,
    doc: 'Sign a checkpoint at least this often while lines are unsigned.',
  },
  auditReplicaId: {
    env: 'AUDIT_REPLICA_ID',
    schema: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
    doc: 'Names this replica on every audit line (with a sequence number) and checkpoint; default an id created once in `.<log name>.replica` beside the log (beside `AUDIT_STATE_PATH` on stdout, else new at each start).',
  },
  auditPeopleRefreshSeconds: {
    env: 'AUDIT_PEOPLE_REFRESH_SECONDS',
    schema: Type.Integer({ minimum: 0, maximum: 86400 }),
    default: 300,
    doc: "How often at most the users of a group (`GET /groups/{id}/users?attributes=email`, in the background, within the upstream budget) are looked up so that audit lines name a person by both username and email (`people`). 0: off.",
  },
  anonymousRequestsPerMinute: {
    env: 'ANONYMOUS_REQUESTS_PER_MINUTE',
    schema: Type.Integer({ minimum: 1 }),
    default: 60,
    doc: 'Requests per source address per minute that are not authenticated (no or wrong credentials, unknown routes) before they are answered 429; beyond the first refusal of a minute they are counted, not audited one by one.',
  },
  maxUrlBytes: {
    env: 'MAX_URL_BYTES',
    schema: Type.Integer({ minimum: 256, maximum: 65536 }),
    default: 4096,
    doc: 'Longest request URL (path and query) accepted; longer ones are answered 400 before routing does anything with them.',
  },
  maxHeaderBytes: {
    env: 'MAX_HEADER_BYTES',
    schema: Type.Integer({ minimum: 4096, maximum: 65536 }),
    default: 16384,
    doc: "Largest request head (request line and headers) Node's HTTP parser accepts; beyond it the connection gets 400 and is closed, counted in `vtgw_http_parser_refusals_total` (no audit line).",
  },
  readsPerMinute: {
    env: 'RATE_LIMIT_READS_PER_MINUTE',
    schema: Type.Integer({ minimum: 1 }),
    default: 600,
    doc: 'Default read (GET) budget per client per minute; a client entry may override it.',
  },
  writesPerMinute: {
    env: 'RATE_LIMIT_WRITES_PER_MINUTE',
    schema: Type.Integer({ minimum: 1 }),
    default: 60,
    doc: 'Default write budget per client per minute; a client entry may override it.',
  },
  upstreamBudgetPerMinute: {
    env: 'UPSTREAM_BUDGET_PER_MINUTE',
    schema: Type.Integer({ minimum: 1 }),
    default: 1000,
    doc: "Calls to VirusTotal per minute across all clients (and replicas, with Redis): protects the organisation's quota.",
  },
  redisUrl: {
    env: 'REDIS_URL',
    schema: Type.String({ pattern: '^rediss?://' }),
    doc: 'Keep rate-limit counters in Redis so that replicas share one budget. Unset: in memory.',
  },
  rateLimitFailOpen: {
    env: 'RATE_LIMIT_FAIL_OPEN',
    schema: Type.Boolean(),
    default: false,
    doc: 'When Redis is unreachable: `true` lets requests through unlimited, `false` answers 503.',
  },
  corsOrigins: {
    env: 'CORS_ORIGINS',
    schema: Type.String(),
    default: '',
    doc: 'Comma-separated origins allowed by CORS. Empty: no CORS headers at all.',
  },
  mcpPort: {
    env: 'MCP_PORT',
    schema: Port,
    default: 9090,
    doc: 'MCP (Streamable HTTP) port, endpoint `/mcp`.',
  },
  metricsPort: {
    env: 'METRICS_PORT',
    schema: Port,
    default: 9464,
    doc: 'Prometheus `/metrics` port, kept off the client-facing ports (0: off).',
  },
  shutdownGraceMs: {
    env: 'SHUTDOWN_GRACE_MS',
    schema: Millis,
    default: 15000,
    doc: 'On SIGTERM/SIGINT: time allowed for in-flight requests to finish before the process exits anyway.',
  },
  maxEventLoopDelayMs: {
    env: 'MAX_EVENT_LOOP_DELAY_MS',
    schema: Type.Integer({ minimum: 0 }),
    default: 1000,
    doc: 'Answer 503 with Retry-After while the event loop lags more than this (0: off).',
  },
  maxHeapUsedBytes: {
    env: 'MAX_HEAP_USED_BYTES',
    schema: Type.Integer({ minimum: 0 }),
    default: 0,
    doc: 'Answer 503 with Retry-After while the V8 heap is above this (0: off).',
  },
  basePath: {
    env: 'BASE_PATH',
    schema: Type.String({ pattern: '^(/[A-Za-z0-9._~-]+)*$' }),
    default: '',
    doc: 'Path prefix under which the corporate API gateway exposes this service (e.g. `/vt`); OpenAPI `servers` reflect it.',
  },
  logLevel: {
    env: 'LOG_LEVEL',
    schema: Type.Union([
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ]),
    default: 'info',
    doc: 'Operational log level (stdout, pino JSON).',
  },
} as const satisfies Record<string, Setting>;

type Settings = typeof settings;
export type GatewayConfig = {
  [K in keyof Settings]: Settings[K] extends Setting<infer S>
    ? Settings[K] extends { default: unknown }
      ? Static<S>
      : Static<S> | undefined
    : never;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function readRaw(s: Setting, env: NodeJS.ProcessEnv): string | undefined {
  const fileVar = `${s.env}_FILE`;
  if (s.secret === true && env[fileVar] !== undefined && env[fileVar] !== '') {
    try {
      return readFileSync(env[fileVar] as string, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`${fileVar}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const value = env[s.env];
  return value === undefined || value === '' ? undefined : value;
}

function describeExpectation(schema: TSchema): string {
  if (schema.type === 'integer') {
    return `an integer from ${String(schema.minimum ?? '-∞')} to ${String(schema.maximum ?? '∞')}`;
  }
  if (schema.type === 'boolean') return 'true or false';
  if (Array.isArray(schema.anyOf)) {
    return `one of ${(schema.anyOf as TSchema[]).map((s) => String(s.const)).join(', ')}`;
  }
  if (typeof schema.pattern === 'string') return `a value matching ${schema.pattern}`;
  return 'a non-empty string';
}

/**
 * Reads and validates every setting. Throws one ConfigError whose message has one line per bad variable;
 * secret values never appear in it. Settings without a default (the key) are left undefined here and
 * required by the caller that needs them.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings) as [string, Setting][]) {
    let raw: string | undefined;
    try {
      raw = readRaw(s, env);
    } catch (err) {
      problems.push((err as Error).message);
      continue;
    }
    if (raw === undefined) {
      out[key] = s.default;
      continue;
    }
    const value = Value.Convert(s.schema, raw);
    if (!Value.Check(s.schema, value)) {
      const shown = s.secret === true ? '' : ` (got ${JSON.stringify(raw.slice(0, 80))})`;
      problems.push(`${s.env}: must be ${describeExpectation(s.schema)}${shown}`);
      continue;
    }
    out[key] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return out as GatewayConfig;
}
