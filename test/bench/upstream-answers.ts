/** What the benchmark's upstream answers, byte for byte: the scenarios check every target passes these through. */

/** A page of group users as VirusTotal lists them, about 830 bytes of JSON. */
export const USERS_PAGE = JSON.stringify({
  data: Array.from({ length: 16 }, (_, i) => ({ type: 'user', id: `user_${String(i).padStart(2, '0')}` })),
  meta: { count: 16, cursor: 'Cj0SN2dyb3VwX3VzZXJzL215X2dyb3VwX2lkL3VzZXJfMTE' },
  links: {
    self: 'https://www.virustotal.com/api/v3/groups/my_group_id/relationships/users?limit=12',
    next: 'https://www.virustotal.com/api/v3/groups/my_group_id/relationships/users?limit=12&cursor=Cj0SN2dyb3VwX3VzZXJzL215X2dyb3VwX2lkL3VzZXJfMTE',
  },
});

/**
 * The group's members with their email addresses, one page (no cursor): what the gateway's audit asks VirusTotal
 * (`GET /groups/{id}/users`) in the background to name the people a write concerns.
 */
export const GROUP_PEOPLE = JSON.stringify({
  data: Array.from({ length: 10 }, (_, i) => ({ type: 'user', id: `user_${i}`, attributes: { email: `u${i}@example.com` } })),
  meta: { count: 10 },
});

/** VirusTotal answers a write with an empty 200. */
export const WRITE_ANSWER = '';

export const BIG_BYTES = 10 * 1024 * 1024;

/** A 10 MiB JSON group object. */
export function bigGroup(): Buffer {
  const head = '{"data":{"type":"group","id":"big","attributes":{"blob":"';
  const tail = '"}}}';
  const buf = Buffer.alloc(BIG_BYTES, 'a');
  buf.write(head, 0);
  buf.write(tail, BIG_BYTES - tail.length);
  return buf;
}
