import type { ServiceAccountRecord } from './model.js';

/** A service account as VirusTotal names it: `<group ID>_<name>`, with an email-like identifier of its own. */
export function newServiceAccount(groupId: string, name: string, apikey: string, userSince: number): ServiceAccountRecord {
  const id = `${groupId}_${name}`;
  return {
    id,
    apikey,
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
