import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scopes } from '../../src/catalog/operation.js';
import { tokenDigest } from '../../src/security/token.js';

/** Writes a clients file with one client holding every scope, for gateways started as processes. */
export function writeClientsFile(dir: string, token: string, id = 'svc-test'): string {
  const file = join(dir, 'clients.json');
  writeFileSync(
    file,
    JSON.stringify({ clients: [{ id, tokenSha256: tokenDigest(token), scopes: [...scopes], groups: ['*'], threatProfiles: ['*'] }] }),
  );
  return file;
}
