import { errors, jwtVerify, type JWTPayload } from 'jose';
import { scopes as gatewayScopes, type Scope } from '../catalog/operation.js';
import type { Client } from '../security/client.js';
import type { ClientRegistry } from '../security/client-registry.js';
import { invalidCredential } from './challenge.js';
import { KeySetUnavailable, type RemoteKeySet } from './key-set.js';

export interface JwtClientsOptions {
  /** What the token is called in messages: `token` (OIDC bearer) or `assertion` (front gateway). */
  kind: string;
  issuer: string;
  audience: string;
  algorithms: readonly string[];
  clockToleranceSec: number;
  keys: RemoteKeySet;
  registry: ClientRegistry;
  /** The claim naming the client: an entry's `id` or `oidcSubject`. */
  clientClaim: string;
  /** A claim listing scopes besides `scope` and `scp`; empty: none. */
  scopesClaim: string;
}

/** Verifies a JWT and finds the client it names; throws GatewayError 401 for anything wrong, saying what. */
export type JwtClients = (token: string) => Promise<Client>;

const signingAlgorithms = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);
const knownScopes: ReadonlySet<string> = new Set(gatewayScopes);

export function createJwtClients(opts: JwtClientsOptions): JwtClients {
  // `none` and HMAC are refused whatever the setting says: an HMAC "secret" would be the provider's public key.
  const algorithms = opts.algorithms.filter((alg) => signingAlgorithms.has(alg));
  if (algorithms.length === 0) throw new Error(`no asymmetric signature algorithm allowed for ${opts.kind}s`);
  const scopeClaims = ['scope', 'scp', ...(opts.scopesClaim === '' ? [] : [opts.scopesClaim])];
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, opts.keys.key, {
        issuer: opts.issuer,
        audience: opts.audience,
        algorithms,
        clockTolerance: opts.clockToleranceSec,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw invalidCredential(`The ${opts.kind} was refused: ${whyRefused(err)}`);
    }
    const named = payload[opts.clientClaim];
    const client = typeof named === 'string' && named !== '' ? (opts.registry.findById(named) ?? opts.registry.findByOidcSubject(named)) : undefined;
    if (client === undefined) {
      throw invalidCredential(`The ${opts.kind} is valid but its ${opts.clientClaim} claim names no client of this gateway`);
    }
    const granted = grantedScopes(payload, scopeClaims);
    return granted === undefined ? client : Object.freeze({ ...client, scopes: narrowed(client.scopes, granted) });
  };
}

/** The scope names the token grants, from every scope claim it carries; undefined when it carries none. */
function grantedScopes(payload: JWTPayload, claims: readonly string[]): Set<string> | undefined {
  let granted: Set<string> | undefined;
  for (const claim of claims) {
    const value = payload[claim];
    const names = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
    if (names === undefined) continue;
    granted ??= new Set();
    for (const name of names) if (knownScopes.has(name)) granted.add(name);
  }
  return granted;
}

function narrowed(entry: ReadonlySet<Scope>, granted: ReadonlySet<string>): ReadonlySet<Scope> {
  return new Set([...entry].filter((scope) => granted.has(scope)));
}

function whyRefused(err: unknown): string {
  if (err instanceof KeySetUnavailable) return `it cannot be verified now: ${err.message}`;
  if (err instanceof errors.JWTExpired) return 'it has expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'it is not valid yet';
    if (err.claim === 'aud') return 'it is not issued for this gateway (aud)';
    if (err.claim === 'iss') return 'it comes from another issuer (iss)';
    return `its ${err.claim} claim is missing or wrong`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'its signature algorithm is not allowed';
  if (err instanceof errors.JWKSNoMatchingKey) return 'it is signed by a key the issuer does not publish';
  if (err instanceof errors.JWKSMultipleMatchingKeys) return 'its key is ambiguous';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'its signature is wrong';
  return 'it is not a well-formed signed JWT';
}
