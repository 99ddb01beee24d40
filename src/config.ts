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
  port: { env: 'PORT', schema: Port, default: 8080, doc: 'REST port.' },
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
  bodyLimitBytes: {
    env: 'BODY_LIMIT_BYTES',
    schema: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024 }),
    default: 65536,
    doc: 'Largest request body accepted (400 beyond).',
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
