import { resourceKinds, type AllowlistName, type Operation, type PreparedCall, type Scope, type ValidatedInput } from '../catalog/operation.js';
import { GatewayError } from '../errors.js';
import type { Client } from '../security/client.js';
import { insufficientScope } from './challenge.js';

const ALLOWLIST_LABEL: Record<AllowlistName, string> = { groups: 'group', threatProfiles: 'threat-profile' };

/** Scope of the operation, extra scopes its input calls for, then the client's allowlist for the resource it names. */
export function authorize(op: Operation, input: ValidatedInput, prepared: PreparedCall, client: Client): void {
  const needed: Scope[] = [op.scope, ...prepared.extraScopes];
  const missing = needed.find((scope) => !client.scopes.has(scope));
  if (missing !== undefined) {
    throw insufficientScope(missing, `Client "${client.id}" lacks the scope "${missing}" needed for ${op.name}`);
  }
  const kind = resourceKinds[op.resource];
  const allowlist = client[kind.allowlist];
  const id = input.params.id ?? '';
  const wholeAllowlistMissing = allowlistAllRefusal(op, client);
  if (wholeAllowlistMissing !== undefined) throw new GatewayError('GW_ERR_FORBIDDEN', wholeAllowlistMissing);
  if (allowlist !== 'all' && !allowlist.has(id)) {
    throw new GatewayError('GW_ERR_FORBIDDEN', `Client "${client.id}" may not act on ${kind.label} "${id}"`);
  }
}

/** Why no call of the operation is allowed to the client when its kind of object needs the allowlist "*"; else undefined. */
export function allowlistAllRefusal(op: Operation, client: Client): string | undefined {
  const kind = resourceKinds[op.resource];
  if (!kind.requiresAll || client[kind.allowlist] === 'all') return undefined;
  return `Client "${client.id}" may act on a ${kind.label} only with the ${ALLOWLIST_LABEL[kind.allowlist]} allowlist "*"`;
}
