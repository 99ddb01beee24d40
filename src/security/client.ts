import type { Scope } from '../catalog/operation.js';

/** A caller of the gateway, as the clients file describes it. Holds neither its token nor the token's digest. */
export interface Client {
  id: string;
  scopes: ReadonlySet<Scope>;
  /** Groups the client may act on; `'all'` when the file says `["*"]`. */
  groups: ReadonlySet<string> | 'all';
  /** Threat profiles the client may act on; `'all'` when the file says `["*"]`. */
  threatProfiles: ReadonlySet<string> | 'all';
  rateLimit?: { readsPerMinute?: number; writesPerMinute?: number };
}

/**
 * A client as a reload compares it: the lowercase hex SHA-256 of its tokens (comma-separated, sorted; absent when it
 * has none) and the OIDC subject it is bound to, if any.
 */
export type ClientWithDigest = Client & { tokenSha256?: string; oidcSubject?: string };

/**
 * A clients-file entry as the registry indexes it: by its token's digest when it has a token, and by `oidcSubject`
 * when the identity provider names it by an id that does not fit the gateway's id pattern. An entry without a
 * digest is reached only by a signed token (OIDC, front-gateway assertion) or the trusted client header.
 */
export type ClientRecord = Client & { tokenSha256?: string; tokens?: TokenRecord[]; oidcSubject?: string };

/** One of a client's tokens, by digest; during a rotation the old one carries the time it stops working. */
export interface TokenRecord {
  sha256: string;
  /** Epoch milliseconds after which the token is refused; undefined: never. */
  notAfter?: number;
}
