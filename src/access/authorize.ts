import type { Operation, Scope, ValidatedInput } from '../catalog/operation.js';
import { GatewayError } from '../errors.js';
import type { Client } from '../security/client.js';

function allowed(list: ReadonlySet<string> | 'all', id: string): boolean {
  return list === 'all' || list.has(id);
}

/** Scope of the operation, extra scopes its input calls for, then the client's group or threat-profile allowlist. */
export function authorize(op: Operation, input: ValidatedInput, client: Client): void {
  const needed: Scope[] = [op.scope, ...(op.extraScopes?.(input) ?? [])];
  const missing = needed.find((scope) => !client.scopes.has(scope));
  if (missing !== undefined) {
    throw new GatewayError('GW_ERR_FORBIDDEN', `Client "${client.id}" lacks the scope "${missing}" needed for ${op.name}`);
  }
  const id = input.params.id ?? '';
  if (op.path.startsWith('/v1/groups/') && !allowed(client.groups, id)) {
    throw new GatewayError('GW_ERR_FORBIDDEN', `Client "${client.id}" may not act on group "${id}"`);
  }
  if (op.path.startsWith('/v1/threat_profiles/') && !allowed(client.threatProfiles, id)) {
    throw new GatewayError('GW_ERR_FORBIDDEN', `Client "${client.id}" may not act on threat profile "${id}"`);
  }
}
