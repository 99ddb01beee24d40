import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;
type VerificationKey = Awaited<ReturnType<LocalKeySet>>;

export interface KeySetOptions {
  issuer: string;
  /** The key set's URL; undefined: `jwks_uri` of the issuer's discovery document. */
  jwksUrl: string | undefined;
  /** Least time between two fetches not asked for by the schedule (an unknown `kid`, or no keys yet). */
  cooldownMs: number;
  /** Keys older than this are fetched again in the background; the old ones serve until that succeeds. */
  refreshMs?: number;
  fetchTimeoutMs?: number;
  /** Told of every fetch, for metrics and the log. */
  onFetch?: (outcome: { ok: true } | { ok: false; reason: string }) => void;
}

/** Why a key could not be found: the identity provider's keys are not (yet) reachable. */
export class KeySetUnavailable extends Error {
  override readonly name = 'KeySetUnavailable';
}

const largestDocumentBytes = 512 * 1024;

/**
 * The identity provider's signing keys, fetched and cached here rather than by jose's remote set, whose cache
 * refuses every token once its keys are old and the provider is down. A token whose `kid` is unknown causes at most
 * one fetch per cooldown, however many such tokens arrive (concurrent ones share it); keys once fetched keep
 * working through an outage of the provider.
 */
export class RemoteKeySet {
  #keys: LocalKeySet | undefined;
  #fetched = 0;
  #lastAttempt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<void> | undefined;
  #jwksUrl: string | undefined;
  #failing = false;
  #lastFailure = '';

  constructor(private readonly opts: KeySetOptions) {
    this.#jwksUrl = opts.jwksUrl;
  }

  /** Whether a key set was ever fetched. */
  get ready(): boolean {
    return this.#keys !== undefined;
  }

  /** Whether the latest fetch failed (the provider is unreachable or answers nonsense), and why. */
  get outage(): string | undefined {
    return this.#failing ? this.#lastFailure : undefined;
  }

  /** jose's key lookup: the key for the token's header, fetching the set when the `kid` is unknown and allowed to. */
  readonly key = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<VerificationKey> => {
    if (this.#keys === undefined) {
      await this.#fetchUnlessCoolingDown();
      if (this.#keys === undefined) throw new KeySetUnavailable(`the identity provider's keys are unreachable (${this.#lastFailure})`);
    } else if (Date.now() - this.#fetched > (this.opts.refreshMs ?? 600_000)) {
      void this.#fetchUnlessCoolingDown();
    }
    try {
      return await this.#keys(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      await this.#fetchUnlessCoolingDown();
      return await this.#keys(header, token);
    }
  };

  /** Fetches now unless a fetch ran within the cooldown; resolves when any fetch in flight is done. */
  prefetch(): Promise<void> {
    return this.#fetchUnlessCoolingDown();
  }

  #fetchUnlessCoolingDown(): Promise<void> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    if (Date.now() - this.#lastAttempt < this.opts.cooldownMs) return Promise.resolve();
    this.#lastAttempt = Date.now();
    this.#inFlight = this.#fetch().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #fetch(): Promise<void> {
    try {
      this.#jwksUrl ??= await this.#discover();
      const jwks = await fetchJson(this.#jwksUrl, this.opts.fetchTimeoutMs ?? 5000);
      if (!isKeySet(jwks)) throw new Error('the key set is no JWKS');
      this.#keys = createLocalJWKSet(jwks);
      this.#fetched = Date.now();
      this.#failing = false;
      this.opts.onFetch?.({ ok: true });
    } catch (err) {
      this.#failing = true;
      this.#lastFailure = err instanceof Error ? err.message : String(err);
      this.opts.onFetch?.({ ok: false, reason: this.#lastFailure });
    }
  }

  async #discover(): Promise<string> {
    const issuer = this.opts.issuer.replace(/\/+$/, '');
    const document = await fetchJson(`${issuer}/.well-known/openid-configuration`, this.opts.fetchTimeoutMs ?? 5000);
    const named = fieldOf(document, 'issuer');
    if (named !== this.opts.issuer) throw new Error(`the discovery document names issuer ${JSON.stringify(named)}, not the configured one`);
    const jwksUri = fieldOf(document, 'jwks_uri');
    if (typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) throw new Error('the discovery document has no jwks_uri');
    // Keys fetched in clear could be swapped on the way: an https issuer's keys come over https only.
    if (issuer.startsWith('https:') && !jwksUri.startsWith('https:')) throw new Error('the discovery document of an https issuer names a jwks_uri that is not https');
    return jwksUri;
  }
}

async function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : 'failed';
    throw new Error(`${new URL(url).origin} unreachable: ${cause}`, { cause: err });
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new Error(`${new URL(url).pathname} answered ${res.status}`);
  }
  const text = await res.text();
  if (Buffer.byteLength(text) > largestDocumentBytes) throw new Error(`${new URL(url).pathname} is larger than ${largestDocumentBytes} bytes`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${new URL(url).pathname} is not JSON`);
  }
}

function fieldOf(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return Object.entries(value).find(([name]) => name === key)?.[1];
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  const keys = fieldOf(value, 'keys');
  return Array.isArray(keys) && keys.every((key) => typeof key === 'object' && key !== null);
}
