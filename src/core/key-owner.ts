import { buffer } from 'node:stream/consumers';
import type { Logger } from 'pino';
import type { KeyOwner } from '../access/key-owner-guard.js';
import type { UpstreamClient } from '../upstream/client.js';

const RETRY_AFTER_MS = 30_000;

async function jsonOf(upstream: UpstreamClient, path: string): Promise<unknown> {
  const res = await upstream.request({ method: 'GET', path, requestId: 'key-owner-lookup' });
  const body = Buffer.isBuffer(res.body) ? res.body : await buffer(res.body);
  if (res.statusCode !== 200) throw new Error(`VirusTotal answered ${res.statusCode}`);
  return JSON.parse(body.toString('utf8'));
}

function field(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return Object.entries(value).find(([name]) => name === key)?.[1];
}

/**
 * Who owns the key: from the configuration, or asked of VirusTotal (`GET /users/{key}` names the key's own account;
 * that path holds the key, so it is never logged, traced or audited), and asked again at most every 30 s while unknown.
 */
export class KeyOwnerDirectory {
  #owner: KeyOwner | undefined;
  #lookup: Promise<KeyOwner | undefined> | undefined;
  #lastTried = 0;

  constructor(
    private readonly upstream: UpstreamClient,
    /** The key in use now: its owner is the one looked up. */
    private readonly apiKey: () => string,
    private readonly configured: { username: string | undefined; email?: string | undefined; groups: readonly string[] },
    private readonly log: Logger,
    /** Told of every owner a look-up found (for the audit record). */
    private readonly resolved: (owner: KeyOwner) => void = () => {},
  ) {
    if (configured.username !== undefined) {
      const { email } = configured;
      this.#owner = { username: configured.username, ...(email === undefined ? {} : { email }), groups: new Set(configured.groups) };
    }
  }

  /** Forgets a looked-up owner (the key changed) and looks the new one up now; a configured owner stays. */
  relookUp(): void {
    if (this.configured.username !== undefined) return;
    this.#owner = undefined;
    this.#lookup = undefined;
    this.#lastTried = 0;
    void this.owner();
  }

  get known(): KeyOwner | undefined {
    return this.#owner;
  }

  /** The owner, looked up first if it is not known and the last attempt is long enough ago. */
  async owner(): Promise<KeyOwner | undefined> {
    if (this.#owner !== undefined) return this.#owner;
    if (this.#lookup === undefined && Date.now() - this.#lastTried >= RETRY_AFTER_MS) {
      this.#lastTried = Date.now();
      const lookup: Promise<KeyOwner | undefined> = this.lookUp().finally(() => {
        if (this.#lookup === lookup) this.#lookup = undefined;
      });
      this.#lookup = lookup;
    }
    return this.#lookup ?? undefined;
  }

  private async lookUp(): Promise<KeyOwner | undefined> {
    const key = this.apiKey();
    try {
      let username = this.configured.username;
      let email = this.configured.email;
      if (username === undefined) {
        const user = field(await jsonOf(this.upstream, `/users/${encodeURIComponent(key)}`), 'data');
        const id = field(user, 'id');
        if (typeof id !== 'string' || id === '') throw new Error("VirusTotal's user object has no id");
        username = id;
        const address = field(field(user, 'attributes'), 'email');
        if (typeof address === 'string' && address !== '') email = address;
      }
      let groups = this.configured.groups;
      if (groups.length === 0) {
        const data = field(await jsonOf(this.upstream, `/users/${encodeURIComponent(username)}/relationships/groups`), 'data');
        groups = Array.isArray(data) ? data.map((d) => field(d, 'id')).filter((id): id is string => typeof id === 'string') : [];
      }
      // The key changed while this ran: the lookup begun for the new key decides.
      if (key !== this.apiKey()) return undefined;
      this.#owner = { username, ...(email === undefined ? {} : { email }), groups: new Set(groups) };
      this.log.info({ keyOwner: username, groups }, 'key owner known');
      this.resolved(this.#owner);
      return this.#owner;
    } catch (err) {
      // The message never holds the path (and so never the key): it names the status or the failure only.
      this.log.warn({ reason: err instanceof Error ? err.message : 'lookup failed' }, 'key owner unknown; account changes are held back');
      return undefined;
    }
  }
}
