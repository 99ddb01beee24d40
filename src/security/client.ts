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

/** A client together with the lowercase hex SHA-256 of its token, as the registry indexes it. */
export type ClientWithDigest = Client & { tokenSha256: string };
