import type { AccountChange } from '../catalog/operation.js';
import { GatewayError } from '../errors.js';

/** The account that owns the gateway's VirusTotal key, and the groups that hold it. */
export interface KeyOwner {
  username: string;
  /** Known when the owner was looked up at VirusTotal (the owner sees its own email); a change naming it is the owner's. */
  email?: string;
  groups: ReadonlySet<string>;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Whether `name` (a username, or an email where VirusTotal takes one) is the key owner's account. */
const isOwner = (name: string, owner: KeyOwner): boolean => same(name, owner.username) || (owner.email !== undefined && same(name, owner.email));

function refusal(change: AccountChange, owner: KeyOwner, minDailyAllowance: number): string | undefined {
  const rule = `the account "${owner.username}" owns the gateway's VirusTotal key`;
  switch (change.kind) {
    case 'remove-member':
      return isOwner(change.user, owner) ? `Key-owner protection: ${rule} and may not be removed from the group` : undefined;
    case 'revoke-admin':
      return isOwner(change.user, owner) ? `Key-owner protection: ${rule} and keeps its group admin role` : undefined;
    case 'change-roles':
      return isOwner(change.user, owner)
        ? `Key-owner protection: ${rule}; its roles may be added to, not replaced or removed`
        : undefined;
    case 'set-daily-allowance':
      return isOwner(change.user, owner) && change.allowed < minDailyAllowance
        ? `Key-owner protection: ${rule}; its daily API allowance may not go below ${minDailyAllowance}`
        : undefined;
    case 'remove-editor':
    case 'grant-viewer': {
      const what = change.kind === 'remove-editor' ? "removed from a threat profile's editors" : "given viewer access to a threat profile, which would replace its editor access";
      if (change.principalType === 'user' && isOwner(change.principal, owner)) {
        return `Key-owner protection: ${rule} and may not be ${what}`;
      }
      if (change.principalType === 'group' && owner.groups.has(change.principal)) {
        return `Key-owner protection: the group "${change.principal}" holds ${rule.replace('the account ', '')} and may not be ${what}`;
      }
      return undefined;
    }
  }
}

/**
 * Refuses any change that would lock the organisation out: removing, demoting or capping the key's own account, or
 * taking its editor access away. While the owner is not known, every change to an account's standing waits.
 */
export function guardKeyOwner(changes: readonly AccountChange[], owner: KeyOwner | undefined, minDailyAllowance: number): void {
  if (changes.length === 0) return;
  if (owner === undefined) {
    throw new GatewayError(
      'GW_ERR_KEY_OWNER_UNKNOWN',
      "The account that owns the gateway's VirusTotal key is not known yet; changes that could remove, demote or cap an account are held back",
      { 'retry-after': '30' },
    );
  }
  for (const change of changes) {
    const reason = refusal(change, owner, minDailyAllowance);
    if (reason !== undefined) throw new GatewayError('GW_ERR_FORBIDDEN', reason);
  }
}
