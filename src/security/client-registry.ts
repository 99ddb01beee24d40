import { readFileSync } from 'node:fs';
import { fileVersion, watchFile } from '../watched-file.js';
import type { Client, ClientRecord, ClientWithDigest } from './client.js';
import { parseClientsFile } from './clients-file.js';
import { tokenDigest } from './token.js';

export interface RegistryLogger {
  info(msg: string): void;
  warn(msg: string): void;
  /** After a successful reload: the clients by id before and after (for the audit record). */
  reloaded?(before: ReadonlyMap<string, ClientWithDigest>, after: ReadonlyMap<string, ClientWithDigest>): void;
}

export interface WatchOptions {
  /** How often the clients file is checked for changes; a revoked client is out within about this long. */
  pollIntervalMs?: number;
}

const defaultPollIntervalMs = 1000;

interface ClientsFileSource {
  path: string;
  logger: RegistryLogger;
}

interface ClientIndex {
  byDigest: ReadonlyMap<string, { client: Client; notAfter: number | undefined }>;
  byId: ReadonlyMap<string, Client>;
  bySubject: ReadonlyMap<string, Client>;
}

/** The clients allowed to call the gateway, found by token or by id; optionally kept in step with the clients file. */
export class ClientRegistry {
  #index: ClientIndex;
  readonly #source: ClientsFileSource | undefined;
  /** The file's identity and version (see fileVersion) when it was last read, successfully or not. */
  #lastReadVersion = '';
  #stopWatching: (() => void) | undefined;
  readonly #lastTokenOf = new WeakMap<object, { token: string; digest: string }>();

  private constructor(index: ClientIndex, source: ClientsFileSource | undefined) {
    this.#index = index;
    this.#source = source;
  }

  /** Reads the clients file; throws an Error with a one-line reason when it is missing or invalid. */
  static load(path: string, logger: RegistryLogger): ClientRegistry {
    const version = fileVersion(path);
    const registry = new ClientRegistry(indexClients(readClientsFile(path)), { path, logger });
    registry.#lastReadVersion = version;
    logger.info(`client registry: loaded ${registry.size} clients from ${path}`);
    return registry;
  }

  /** A registry without a file. A client given without `tokenSha256` can only be found by id. */
  static fromClients(clients: readonly ClientRecord[]): ClientRegistry {
    return new ClientRegistry(indexClients(clients), undefined);
  }

  get size(): number {
    return this.#index.byId.size;
  }

  // Looking up the token's SHA-256 in a Map needs no constant-time comparison: the work that depends on
  // stored secrets is comparing digests, so timing could at best reveal how much of a stored digest a guess's
  // digest shares. SHA-256 being preimage-resistant, an attacker cannot choose tokens to steer their digests
  // towards a stored one, so that leaks nothing usable; and a digest itself is not accepted as a token.
  findByToken(token: string, connection?: object): Client | undefined {
    const found = this.#index.byDigest.get(connection === undefined ? tokenDigest(token) : this.#digestOn(connection, token));
    if (found === undefined || (found.notAfter !== undefined && !(Date.now() <= found.notAfter))) return undefined;
    return found.client;
  }

  /**
   * A keep-alive caller sends the same token on every request, and hashing it cost more than hashing the audit line:
   * each connection's last token and digest are kept until the connection is gone. A token is compared only with the
   * one its own connection sent before; the digest is still looked up in the index on every request, so a revoked or
   * rotated token is refused at once.
   */
  #digestOn(connection: object, token: string): string {
    const last = this.#lastTokenOf.get(connection);
    if (last !== undefined && last.token === token) return last.digest;
    const digest = tokenDigest(token);
    this.#lastTokenOf.set(connection, { token, digest });
    return digest;
  }

  findById(id: string): Client | undefined {
    return this.#index.byId.get(id);
  }

  /** The client whose entry's `oidcSubject` is this identity-provider id. */
  findByOidcSubject(subject: string): Client | undefined {
    return this.#index.bySubject.get(subject);
  }

  /** Re-reads the file. When it is unreadable or invalid, logs why, keeps the current clients and returns false. */
  reload(): boolean {
    if (this.#source === undefined) return true;
    const { path, logger } = this.#source;
    // Taken before reading: a change made during the read then shows as a new version and is read again.
    this.#lastReadVersion = fileVersion(path);
    let index: ClientIndex;
    try {
      index = indexClients(readClientsFile(path));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      logger.warn(`client registry: reload failed, keeping the last good ${this.size} clients: ${reason}`);
      return false;
    }
    const before = this.#index;
    this.#index = index;
    logger.info(`client registry: reloaded ${this.size} clients from ${path}`);
    logger.reloaded?.(withDigests(before), withDigests(index));
    return true;
  }

  /** Reloads on SIGHUP and whenever the file changes. Does nothing for a registry without a file, or when already watching. */
  watch({ pollIntervalMs = defaultPollIntervalMs }: WatchOptions = {}): void {
    if (this.#source === undefined || this.#stopWatching !== undefined) return;
    this.#stopWatching = watchFile(this.#source.path, () => this.#lastReadVersion, () => this.reload(), pollIntervalMs);
  }

  close(): void {
    this.#stopWatching?.();
    this.#stopWatching = undefined;
  }
}


function readClientsFile(path: string): ClientRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new Error(`clients file ${path}: cannot read it (${code})`, { cause: err });
  }
  const parsed = parseClientsFile(text);
  if (!parsed.ok) throw new Error(`clients file ${path}: ${parsed.error}`);
  return parsed.clients;
}

/** Throws on a duplicate id or token digest, naming only the client id. */
function indexClients(clients: readonly ClientRecord[]): ClientIndex {
  const byDigest = new Map<string, { client: Client; notAfter: number | undefined }>();
  const byId = new Map<string, Client>();
  const bySubject = new Map<string, Client>();
  for (const { tokenSha256, tokens, oidcSubject, ...fields } of clients) {
    const client: Client = Object.freeze(fields);
    if (byId.has(client.id)) throw new Error(`duplicate client id ${client.id}`);
    byId.set(client.id, client);
    if (oidcSubject !== undefined) {
      if (bySubject.has(oidcSubject)) throw new Error(`client ${client.id}: same oidcSubject as client ${bySubject.get(oidcSubject)?.id ?? ''}`);
      bySubject.set(oidcSubject, client);
    }
    for (const { sha256, notAfter } of [...(tokenSha256 === undefined ? [] : [{ sha256: tokenSha256 }]), ...(tokens ?? [])]) {
      if (!/^[0-9a-f]{64}$/i.test(sha256)) throw new Error(`client ${client.id}: tokenSha256 must be 64 hex characters`);
      const digest = sha256.toLowerCase();
      const other = byDigest.get(digest);
      if (other !== undefined) throw new Error(`client ${client.id}: same token as client ${other.client.id}`);
      byDigest.set(digest, { client, notAfter });
    }
  }
  return { byDigest, byId, bySubject };
}

/** Every client, those without a token included (signed tokens, trusted header), with its token digests and OIDC subject. */
function withDigests(index: ClientIndex): Map<string, ClientWithDigest> {
  const digests = new Map<string, string[]>();
  for (const [digest, { client }] of index.byDigest) digests.set(client.id, [...(digests.get(client.id) ?? []), digest]);
  const subjects = new Map<string, string>();
  for (const [subject, client] of index.bySubject) subjects.set(client.id, subject);
  const byId = new Map<string, ClientWithDigest>();
  for (const [id, client] of index.byId) {
    const tokenSha256 = digests.get(id)?.sort().join(',');
    const oidcSubject = subjects.get(id);
    byId.set(id, { ...client, ...(tokenSha256 === undefined ? {} : { tokenSha256 }), ...(oidcSubject === undefined ? {} : { oidcSubject }) });
  }
  return byId;
}
