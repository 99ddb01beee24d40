/**
 * One identity per person in the audit log. VirusTotal names a user by email in some calls (granting admin rights)
 * and by username in others (revoking them): the audit line carries both, once known, in `people`. What is known
 * comes from a cached `GET /groups/{id}/users?attributes=email`, refreshed in the background at most every
 * `refreshMs` per group (never on a request's own path; each refresh spends the upstream budget like any call).
 * A name not (yet) known keeps its other half `null`.
 *
 * Only a call that VirusTotal answered with success starts a look-up: its group was checked by the schema, the
 * caller's scopes and allowlist, and VirusTotal itself. A refused call (unauthenticated, out of scope, invalid, over
 * its limit) is described from what is cached, so that no caller can make the gateway spend the organisation's
 * budget on groups of its choosing, unaudited.
 */
import type { Readable } from 'node:stream';
import { holdsSecret } from '../security/secret-shapes.js';
import type { AuditEntry, Person } from './audit-entry.js';

export type GroupUsersFetcher = (group: string) => Promise<Person[]>;

interface Cached {
  byName: Map<string, Person>;
  fetchedAt: number;
}

const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** Groups kept in the directory; the oldest looked-up is dropped beyond it. */
export const MAX_DIRECTORY_GROUPS = 256;

function succeeded(entry: AuditEntry): boolean {
  return entry.upstreamStatus !== null && entry.upstreamStatus >= 200 && entry.upstreamStatus < 300;
}

export class PersonDirectory {
  private readonly groups = new Map<string, Cached>();
  private readonly refreshing = new Map<string, number>();

  constructor(
    private readonly fetch: GroupUsersFetcher,
    private readonly opts: { refreshMs?: number; off?: boolean; now?: () => number; failed?: (group: string, err: unknown) => void } = {},
  ) {}

  /**
   * The entry with `people` added: each user it names (targets.user and the strings of its change), with username
   * and email as far as the group's cached directory knows them. Starts a background refresh when the group's
   * directory is missing or older than refreshMs, and VirusTotal answered the call with success.
   */
  withPeople(entry: AuditEntry): AuditEntry {
    const group = entry.targets.group;
    // A group id the line withholds (it holds a run of hex digits shaped like a key) names no group to look up.
    if (group === undefined || holdsSecret(group) || this.opts.off === true) return entry;
    const names = namedUsers(entry);
    if (names.size === 0) return entry;
    const cached = this.groups.get(group);
    if (succeeded(entry)) this.refreshIfDue(group, cached);
    const people: Person[] = [];
    const seen = new Set<Person>();
    for (const name of names) {
      const known = cached?.byName.get(name.toLowerCase());
      if (known !== undefined) {
        if (!seen.has(known)) people.push(known);
        seen.add(known);
      } else {
        people.push(EMAIL.test(name) ? { username: null, email: name } : { username: name, email: null });
      }
    }
    return { ...entry, people };
  }

  /** Resolves once a refresh started for `group` (if any) is done; for tests and shutdown. */
  async settled(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private readonly pending = new Set<Promise<void>>();

  private refreshIfDue(group: string, cached: Cached | undefined): void {
    const now = (this.opts.now ?? Date.now)();
    const every = this.opts.refreshMs ?? 300_000;
    if (cached !== undefined && now - cached.fetchedAt < every) return;
    const started = this.refreshing.get(group);
    if (started !== undefined && now - started < every) return;
    this.refreshing.delete(group);
    keepBounded(this.refreshing);
    this.refreshing.set(group, now);
    const done = this.fetch(group).then(
      (users) => {
        const byName = new Map<string, Person>();
        for (const user of users) {
          if (user.username !== null) byName.set(user.username.toLowerCase(), user);
          if (user.email !== null) byName.set(user.email.toLowerCase(), user);
        }
        this.groups.delete(group);
        keepBounded(this.groups);
        this.groups.set(group, { byName, fetchedAt: (this.opts.now ?? Date.now)() });
      },
      (err: unknown) => this.opts.failed?.(group, err),
    );
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }
}

/** Makes room for one more group: drops the entry set longest ago (a Map iterates in insertion order; callers delete before they set again). */
function keepBounded(map: Map<string, unknown>): void {
  if (map.size < MAX_DIRECTORY_GROUPS) return;
  const oldest = map.keys().next();
  if (oldest.done !== true) map.delete(oldest.value);
}

/**
 * The user names an entry mentions: targets.user, and the users of the change summaries the catalog writes
 * (`grantAdminTo`, `addUsers`, `users[].id`, and `user:` principals of `grant` / `revoke`).
 */
export function namedUsers(entry: AuditEntry): Set<string> {
  const names = new Set<string>();
  const user = entry.targets.user;
  if (user !== undefined) names.add(user);
  const change = entry.change ?? {};
  const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  for (const name of [...strings(change.grantAdminTo), ...strings(change.addUsers)]) names.add(name);
  if (Array.isArray(change.users)) {
    for (const item of change.users as unknown[]) {
      const id = typeof item === 'object' && item !== null && 'id' in item ? item.id : undefined;
      if (typeof id === 'string') names.add(id);
    }
  }
  for (const principal of [...strings(change.grant), ...strings(change.revoke)]) {
    if (principal.startsWith('user:')) names.add(principal.slice('user:'.length));
  }
  return names;
}

interface UsersPage {
  data?: Array<{ id?: unknown; attributes?: { email?: unknown } }>;
  meta?: { cursor?: unknown };
}

/** Reads `/groups/{group}/users?attributes=email` page by page (at most `maxPages`) through `get`. */
export function groupUsersFetcher(get: (path: string) => Promise<{ statusCode: number; body: Buffer | Readable }>, maxPages = 25): GroupUsersFetcher {
  return async (group) => {
    const people: Person[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < maxPages; page++) {
      const query = `attributes=email&limit=40${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const res = await get(`/groups/${encodeURIComponent(group)}/users?${query}`);
      const text = await bodyText(res.body);
      if (res.statusCode !== 200) throw new Error(`VirusTotal answered ${res.statusCode} for the users of group ${group}`);
      const parsed = JSON.parse(text) as UsersPage;
      for (const user of parsed.data ?? []) {
        if (typeof user.id !== 'string') continue;
        const email = user.attributes?.email;
        people.push({ username: user.id, email: typeof email === 'string' ? email : null });
      }
      cursor = typeof parsed.meta?.cursor === 'string' && parsed.meta.cursor !== '' ? parsed.meta.cursor : null;
      if (cursor === null) break;
    }
    return people;
  };
}

async function bodyText(body: Buffer | Readable): Promise<string> {
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
