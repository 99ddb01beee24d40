import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { GatewayConfig } from '../config.js';
import type { ClientRegistry } from '../security/client-registry.js';
import type { JwtClients } from './jwt-clients.js';
import type { RemoteKeySet } from './key-set.js';

/** The ways in by signed token that the configuration turns on, and how their key sets are doing. */
export interface SignedIdentities {
  /** Bearer JWTs of the identity provider (OIDC_ISSUER); absent when off. */
  bearerJwts?: JwtClients;
  /** The front gateway's assertions (ASSERTION_HEADER); absent when off. */
  assertions?: JwtClients;
  /** Readiness failures: a way in whose keys were never fetched. Asks for them again (within the cooldown). */
  notReady(): Record<string, string>;
  /** Key sets fetched once but whose provider is now unreachable: served from cache; for readiness' body. */
  degraded(): Record<string, string>;
}

type IdentityConfig = Pick<
  GatewayConfig,
  | 'oidcIssuer'
  | 'oidcAudience'
  | 'oidcJwksUrl'
  | 'oidcAlgorithms'
  | 'oidcClientClaim'
  | 'oidcScopesClaim'
  | 'oidcClockToleranceSec'
  | 'oidcJwksCooldownMs'
  | 'assertionHeader'
  | 'assertionIssuer'
  | 'assertionAudience'
  | 'assertionJwksUrl'
  | 'assertionClientClaim'
>;

interface Source {
  name: 'oidc' | 'assertion';
  issuer: string;
  audience: string;
  jwksUrl: string | undefined;
  clientClaim: string;
  scopesClaim: string;
}

/** Throws an Error naming the missing setting when a way in is half configured. */
function sourcesOf(config: IdentityConfig): Source[] {
  const sources: Source[] = [];
  if (config.oidcIssuer !== undefined) {
    if (config.oidcAudience === undefined) throw new Error('OIDC_AUDIENCE is required with OIDC_ISSUER: tokens issued for other services must be refused');
    sources.push({
      name: 'oidc',
      issuer: config.oidcIssuer,
      audience: config.oidcAudience,
      jwksUrl: config.oidcJwksUrl,
      clientClaim: config.oidcClientClaim,
      scopesClaim: config.oidcScopesClaim,
    });
  } else if (config.oidcAudience !== undefined || config.oidcJwksUrl !== undefined) {
    throw new Error('OIDC_AUDIENCE and OIDC_JWKS_URL need OIDC_ISSUER');
  }
  if (config.assertionHeader !== undefined) {
    if (config.assertionIssuer === undefined || config.assertionAudience === undefined) {
      throw new Error('ASSERTION_ISSUER and ASSERTION_AUDIENCE are required with ASSERTION_HEADER');
    }
    sources.push({
      name: 'assertion',
      issuer: config.assertionIssuer,
      audience: config.assertionAudience,
      jwksUrl: config.assertionJwksUrl,
      clientClaim: config.assertionClientClaim,
      scopesClaim: config.oidcScopesClaim,
    });
  }
  return sources;
}

/** The ways in by signed token that `config` turns on. jose and the key sets are loaded only when one is. */
export async function createSignedIdentities(config: IdentityConfig, registry: ClientRegistry, metricsRegistry: Registry, log: Logger): Promise<SignedIdentities> {
  const sources = sourcesOf(config);
  const fetches = new Counter({
    name: 'vtgw_identity_key_fetches_total',
    help: 'Fetches of an identity key set (OIDC provider, front gateway), by source and result.',
    labelNames: ['source', 'result'] as const,
    registers: [metricsRegistry],
  });
  const unreachable = new Gauge({
    name: 'vtgw_identity_keys_unreachable',
    help: "1 while the latest fetch of a source's key set failed (tokens are then checked against the keys fetched before), else 0.",
    labelNames: ['source'] as const,
    registers: [metricsRegistry],
  });
  const keySets = new Map<string, RemoteKeySet>();
  const identities: SignedIdentities = {
    notReady() {
      const failures: Record<string, string> = {};
      for (const [name, keys] of keySets) {
        if (keys.ready) continue;
        void keys.prefetch();
        failures[name] = `${name} key set not fetched yet${keys.outage === undefined ? '' : `: ${keys.outage}`}`;
      }
      return failures;
    },
    degraded() {
      const notes: Record<string, string> = {};
      for (const [name, keys] of keySets) {
        const outage = keys.outage;
        if (keys.ready && outage !== undefined) notes[name] = `${name} provider unreachable, cached keys in use: ${outage}`;
      }
      return notes;
    },
  };
  if (sources.length === 0) return identities;
  const [{ RemoteKeySet }, { createJwtClients }] = await Promise.all([import('./key-set.js'), import('./jwt-clients.js')]);
  for (const source of sources) {
    const keys = new RemoteKeySet({
      issuer: source.issuer,
      jwksUrl: source.jwksUrl,
      cooldownMs: config.oidcJwksCooldownMs,
      onFetch: (outcome) => {
        fetches.inc({ source: source.name, result: outcome.ok ? 'ok' : 'failed' });
        unreachable.set({ source: source.name }, outcome.ok ? 0 : 1);
        if (outcome.ok) log.info({ source: source.name }, 'identity key set fetched');
        else log.warn({ source: source.name, reason: outcome.reason }, 'identity key set fetch failed');
      },
    });
    keySets.set(source.name, keys);
    void keys.prefetch();
    const verify = createJwtClients({
      kind: source.name === 'oidc' ? 'token' : 'assertion',
      issuer: source.issuer,
      audience: source.audience,
      algorithms: config.oidcAlgorithms.split(',').map((alg) => alg.trim()),
      clockToleranceSec: config.oidcClockToleranceSec,
      keys,
      registry,
      clientClaim: source.clientClaim,
      scopesClaim: source.scopesClaim,
    });
    if (source.name === 'oidc') identities.bearerJwts = verify;
    else identities.assertions = verify;
  }
  return identities;
}
