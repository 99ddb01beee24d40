import { createHash } from 'node:crypto';
import type { ServiceAccountRecord } from './model.js';

/**
 * A service account as VirusTotal names it: `<group ID>_<name>`, with an email-like identifier of its own. Its key
 * (64 hex digits) is derived from the id, so that two simulators fed the same calls hold the same state.
 */
export function newServiceAccount(groupId: string, name: string, userSince: number): ServiceAccountRecord {
  const id = `${groupId}_${name}`;
  return {
    id,
    apikey: createHash('sha256').update(`simulated service account key ${id}`).digest('hex'),
    attributes: {
      email: `${id}@service-accounts.example`,
      first_name: name,
      privileges: {},
      quotas: { api_requests_daily: { allowed: 1000, used: 0 } },
      reputation: 0,
      status: 'active',
      user_since: userSince,
    },
  };
}
