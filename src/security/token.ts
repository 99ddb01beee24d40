import { hash, randomBytes } from 'node:crypto';

export const tokenPrefix = 'vtgw_';

/** A new client token: the prefix (so leaked tokens are easy to spot) and 32 random bytes in base64url. */
export function mintToken(): string {
  return tokenPrefix + randomBytes(32).toString('base64url');
}

/** The lowercase hex SHA-256 of a token: all the clients file ever stores. */
export function tokenDigest(token: string): string {
  return hash('sha256', token, 'hex');
}
