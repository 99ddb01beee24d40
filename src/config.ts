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
  vtApiKeyFile: {
    env: 'VIRUSTOTAL_API_KEY_FILE',
    schema: Type.String({ minLength: 1 }),
    doc: 'File holding the VirusTotal API key. Re-read when it changes and on SIGHUP: new requests switch to the new key, in-flight ones finish with the old; a broken or empty file keeps the last good key.',
  },
  keyOwner: {
    env: 'VIRUSTOTAL_KEY_OWNER',
    schema: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$' }),
    doc: "Username of the account that owns the key; no client may remove, demote or cap it. Unset: looked up from VirusTotal at start (writes that could touch an account answer 503 until it is known).",
  },
  keyOwnerEmail: {
    env: 'VIRUSTOTAL_KEY_OWNER_EMAIL',
    schema: Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 254 }),
    doc: "Email of the account that owns the key, with `VIRUSTOTAL_KEY_OWNER`: a change naming the owner by email is refused like one naming its username. Looked up from VirusTotal with the owner when `VIRUSTOTAL_KEY_OWNER` is unset.",
  },
  keyOwnerGroups: {
    env: 'VIRUSTOTAL_KEY_OWNER_GROUPS',
    schema: Type.String(),
    default: '',
    doc: "Comma-separated groups holding the key owner, which no client may remove from a threat profile's editors or make its viewers. Looked up from VirusTotal with the owner when `VIRUSTOTAL_KEY_OWNER` is unset.",
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
    doc: "Time allowed for VirusTotal's response headers (504 after), counted from when the request is handed to the connection pool: a wait for a free connection (`UPSTREAM_CONNECTIONS` all busy) is included; a request that waited it out is answered 503 and never sent.",
  },
  upstreamBodyTimeoutMs: {
    env: 'UPSTREAM_BODY_TIMEOUT_MS',
    schema: Millis,
    default: 30000,
    doc: 'Longest pause allowed between two chunks of the response body.',
  },
  callerReadTimeoutMs: {
    env: 'CALLER_READ_TIMEOUT_MS',
    schema: Type.Integer({ minimum: 0, maximum: 3_600_000 }),
    default: 60000,
    doc: "Longest a caller may leave a streamed answer (over 64 KiB, or of undeclared length) unread while VirusTotal's connection waits for it; the answer is then cut off and the connection freed, so that callers who read nothing cannot hold every connection to VirusTotal. 0 is no limit.",
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
    doc: 'Comma-separated CIDRs of the corporate API gateway. Only peers inside them may set `X-Forwarded-For`, the trusted client header or a front-gateway assertion (`ASSERTION_HEADER`).',
  },
  trustedClientHeader: {
    env: 'TRUSTED_CLIENT_HEADER',
    schema: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }),
    default: '',
    doc: 'Header carrying an already-authenticated client id (e.g. `x-authenticated-client`), honoured only from `TRUST_PROXY` peers. Empty: off.',
  },
  oidcIssuer: {
    env: 'OIDC_ISSUER',
    schema: Type.String({ pattern: '^https?://[^\\s?#]+$' }),
    doc: "Issuer of the corporate identity provider (e.g. `https://login.example.com/realms/corp`): turns on JWT bearer tokens. Every token's `iss` must equal it; its key set is found by discovery unless `OIDC_JWKS_URL` is set.",
  },
  oidcAudience: {
    env: 'OIDC_AUDIENCE',
    schema: Type.String({ minLength: 1, maxLength: 512 }),
    doc: 'Audience a JWT must name in `aud` (this gateway). Required with `OIDC_ISSUER`: a token for another audience, or without one, is refused.',
  },
  oidcJwksUrl: {
    env: 'OIDC_JWKS_URL',
    schema: Type.String({ pattern: '^https?://[^\\s#]+$' }),
    doc: "The identity provider's JWKS URL. Unset: `jwks_uri` from `OIDC_ISSUER`/.well-known/openid-configuration.",
  },
  oidcAlgorithms: {
    env: 'OIDC_ALGORITHMS',
    schema: Type.String({ pattern: '^\\s*(RS256|RS384|RS512|PS256|PS384|PS512|ES256|ES384|ES512|EdDSA|Ed25519)(\\s*,\\s*(RS256|RS384|RS512|PS256|PS384|PS512|ES256|ES384|ES512|EdDSA|Ed25519))*\\s*$' }),
    default: 'RS256,PS256,ES256,EdDSA',
    doc: 'Comma-separated signature algorithms a JWT (or front-gateway assertion) may use. Asymmetric only: `none` and HMAC are never accepted.',
  },
  oidcClientClaim: {
    env: 'OIDC_CLIENT_CLAIM',
    schema: Type.String({ pattern: '^[A-Za-z0-9_:.-]{1,64}$' }),
    default: 'sub',
    doc: "Claim naming the client (`sub`; `azp`, `client_id` or Okta's `cid` where the IdP puts the client there). Its value equals a clients-file entry's `id` or `oidcSubject`; no such entry: 401.",
  },
  oidcScopesClaim: {
    env: 'OIDC_SCOPES_CLAIM',
    schema: Type.String({ pattern: '^[A-Za-z0-9_:.-]{0,64}$' }),
    default: '',
    doc: "A further claim listing scopes (e.g. Entra's `roles`), read besides `scope` and `scp`. A token's scopes narrow its entry's scopes, never widen them.",
  },
  oidcClockToleranceSec: {
    env: 'OIDC_CLOCK_TOLERANCE_SEC',
    schema: Type.Integer({ minimum: 0, maximum: 300 }),
    default: 30,
    doc: 'Clock skew allowed when checking `exp` and `nbf` of a JWT or assertion (`exp` is always required).',
  },
  oidcJwksCooldownMs: {
    env: 'OIDC_JWKS_COOLDOWN_MS',
    schema: Millis,
    default: 30000,
    doc: 'Least time between two key-set fetches caused by a token whose `kid` is unknown, so made-up key ids cannot flood the IdP.',
  },
  assertionHeader: {
    env: 'ASSERTION_HEADER',
    schema: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }),
    doc: "Header in which the corporate API gateway passes a signed JWT assertion of the caller (the IAP pattern, e.g. `x-goog-iap-jwt-assertion`). Checked before every other credential, and honoured only from a peer inside `TRUST_PROXY` (required with it). Unset: off.",
  },
  assertionIssuer: {
    env: 'ASSERTION_ISSUER',
    schema: Type.String({ pattern: '^[^\\s]{1,512}$' }),
    doc: 'Issuer of front-gateway assertions (`iss`). Required with `ASSERTION_HEADER`.',
  },
  assertionAudience: {
    env: 'ASSERTION_AUDIENCE',
    schema: Type.String({ minLength: 1, maxLength: 512 }),
    doc: 'Audience a front-gateway assertion must name in `aud`. Required with `ASSERTION_HEADER`.',
  },
  assertionJwksUrl: {
    env: 'ASSERTION_JWKS_URL',
    schema: Type.String({ pattern: '^https?://[^\\s#]+$' }),
    doc: "JWKS URL of the front gateway's signing keys. Unset: discovered from `ASSERTION_ISSUER`/.well-known/openid-configuration.",
  },
  assertionClientClaim: {
    env: 'ASSERTION_CLIENT_CLAIM',
    schema: Type.String({ pattern: '^[A-Za-z0-9_:.-]{1,64}$' }),
    default: 'sub',
    doc: 'Claim of the assertion naming the client, matched like `OIDC_CLIENT_CLAIM`.',
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
  upstreamWriteReservePercent: {
    env: 'UPSTREAM_WRITE_RESERVE_PERCENT',
    schema: Type.Integer({ minimum: 0, maximum: 90 }),
    default: 10,
    doc: "Share of `UPSTREAM_BUDGET_PER_MINUTE`, in percent, that callers' reads cannot spend: held for writes (and the gateway's own lookups), so that readers cannot lock the administrators out. Reads are refused with 429 once they have spent the rest.",
  },
  redisUrl: {
    env: 'REDIS_URL',
    // A password may stand in the URL: never shown in an error, and it can come from a file (REDIS_URL_FILE).
    secret: true,
    schema: Type.String({ pattern: '^rediss?://' }),
    doc: 'Keep rate-limit counters in Redis so that replicas share one budget. Unset: in memory.',
  },
  redisCommandTimeoutMs: {
    env: 'REDIS_COMMAND_TIMEOUT_MS',
    schema: Millis,
    default: 300,
    doc: 'Time Redis has to answer a command (and the `/readyz` ping); a slower answer counts as Redis being down.',
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
    doc: 'Comma-separated origins allowed by CORS, or `*` alone for any origin (`*` beside other origins refuses to start). Empty: no CORS headers at all.',
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
  httpHeadersTimeoutMs: {
    env: 'HTTP_HEADERS_TIMEOUT_MS',
    schema: Millis,
    default: 10000,
    doc: "Time a client connection (REST and MCP) has to send a request's headers, idle new connections included; closed after (checked every second).",
  },
  httpRequestTimeoutMs: {
    env: 'HTTP_REQUEST_TIMEOUT_MS',
    schema: Millis,
    default: 30000,
    doc: 'Time a client has to send a whole request, body included (408 after). At least `HTTP_HEADERS_TIMEOUT_MS`.',
  },
  httpKeepAliveTimeoutMs: {
    env: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
    schema: Millis,
    default: 5000,
    doc: 'How long an idle keep-alive client connection is kept open between requests. Behind a proxy that pools connections, set it above the proxy\'s idle timeout.',
  },
  restMaxConnections: {
    env: 'REST_MAX_CONNECTIONS',
    schema: Type.Integer({ minimum: 1 }),
    default: 4096,
    doc: 'Open connections accepted on `PORT`; beyond it new ones are closed at once. All caps together are lowered to fit the open-files limit (`ulimit -n`), with one warning at start.',
  },
  mcpMaxConnections: {
    env: 'MCP_MAX_CONNECTIONS',
    schema: Type.Integer({ minimum: 1 }),
    default: 1024,
    doc: 'Open connections accepted on `MCP_PORT` (lowered like `REST_MAX_CONNECTIONS`).',
  },
  mcpAnswerTimeoutMs: {
    env: 'MCP_ANSWER_TIMEOUT_MS',
    schema: Millis,
    default: 120000,
    doc: 'Longest a POST /mcp may take to be answered, all its tool calls included: then the caller gets a 504 (or, once the answer has begun, the connection is closed). Tool calls still running end as they would and get their audit lines.',
  },
  metricsMaxConnections: {
    env: 'METRICS_MAX_CONNECTIONS',
    schema: Type.Integer({ minimum: 1 }),
    default: 16,
    doc: 'Open connections accepted on `METRICS_PORT` (lowered like `REST_MAX_CONNECTIONS`).',
  },
  apiV3Alias: {
    env: 'API_V3_ALIAS',
    schema: Type.Boolean(),
    default: false,
    doc: "Also serve every `/v1` operation under VirusTotal's own prefix `/api/v3` (the same operations, nothing more), so that vt-py and vt-go work with only the host and the key changed. Needs `PUBLIC_BASE_URL`.",
  },
  publicBaseUrl: {
    env: 'PUBLIC_BASE_URL',
    schema: Type.String({ pattern: '^https?://[^\\s"\\\\?#$]+$' }),
    doc: "Absolute URL at which callers reach this REST API, `BASE_PATH` included (e.g. `https://vt-gateway.corp.example`). Set: links to VirusTotal in answers (`links.next`, `links.self`) point back at it, under the prefix the caller used. Unset: they keep only their path (`BASE_PATH` and the prefix, e.g. `/v1/groups/...?cursor=...`), so that a client following one fails at once instead of sending its gateway token to VirusTotal. Never taken from `Host` or `X-Forwarded-*`.",
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
  problems.push(...crossSettingProblems(out));
  if (out.apiV3Alias === true && out.publicBaseUrl === undefined) {
    problems.push('API_V3_ALIAS=true needs PUBLIC_BASE_URL: without it, links in answers lead callers (and their tokens) to VirusTotal');
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return out as GatewayConfig;
}

/** Rules between settings, checked once each setting is valid on its own. */
function crossSettingProblems(values: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const origins = typeof values.corsOrigins === 'string' ? values.corsOrigins.split(',').map((o) => o.trim()).filter((o) => o !== '') : [];
  if (origins.includes('*') && origins.length > 1) {
    problems.push('CORS_ORIGINS: `*` allows every origin, so it cannot stand beside other origins (use `*` alone or list the origins)');
  }
  const { httpHeadersTimeoutMs: headers, httpRequestTimeoutMs: request } = values;
  if (typeof headers === 'number' && typeof request === 'number' && request < headers) {
    problems.push(`HTTP_REQUEST_TIMEOUT_MS: must be at least HTTP_HEADERS_TIMEOUT_MS (${headers})`);
  }
  const trusted = typeof values.trustProxy === 'string' ? values.trustProxy.split(',').filter((cidr) => cidr.trim() !== '') : [];
  if (values.assertionHeader !== undefined && trusted.length === 0) {
    problems.push('ASSERTION_HEADER needs TRUST_PROXY (the front gateway\'s addresses): without it an assertion seen once would be taken from any peer, the front gateway bypassed');
  }
  if (values.keyOwnerEmail !== undefined && values.keyOwner === undefined) {
    problems.push('VIRUSTOTAL_KEY_OWNER_EMAIL needs VIRUSTOTAL_KEY_OWNER: without it the owner and its email are looked up at VirusTotal');
  }
  return problems;
}
