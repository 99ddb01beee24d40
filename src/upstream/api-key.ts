import { secretForms } from './response-guard.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileVersion, watchFile } from '../watched-file.js';

export interface ApiKeyLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ApiKeyFileOptions {
  path: string;
  logger: ApiKeyLogger;
  /** How long a replaced key is still redacted from answers (requests begun with it may still be answering). */
  graceMs?: number;
  pollIntervalMs?: number;
}

/** A short, non-reversible name of a key, safe for logs, audit lines and metrics. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/**
 * The VirusTotal API key the gateway injects, and the keys to redact from answers. With a file, the key follows the
 * file: checked every second (like the clients file) and on SIGHUP; a changed file switches new requests to the new
 * key while requests already sent finish with theirs; the old key stays redacted for a grace period. An unreadable
 * or empty file keeps the last good key and says so.
 */
export class ApiKeySource {
  #current: string;
  #fingerprint: string;
  #since = Date.now();
  #retired: { key: string; until: number }[] = [];
  #secrets: readonly Buffer[];
  #lastReadVersion = '';
  #stopWatching: (() => void) | undefined;
  #problem: string | undefined;
  readonly #listeners: ((fingerprint: string) => void)[] = [];

  constructor(
    initial: string,
    private readonly file?: ApiKeyFileOptions,
  ) {
    this.#current = initial;
    this.#fingerprint = keyFingerprint(initial);
    this.#secrets = secretForms(initial);
    if (file !== undefined) this.#lastReadVersion = fileVersion(file.path);
  }

  /** The key for a request starting now. */
  get current(): string {
    return this.#current;
  }

  get fingerprint(): string {
    return this.#fingerprint;
  }

  /** Seconds since the current key came into use (start, or its switch). */
  get ageSeconds(): number {
    return (Date.now() - this.#since) / 1000;
  }

  /** Why the last reload kept the old key; undefined when the file was last read fine. */
  get problem(): string | undefined {
    return this.#problem;
  }

  /** Every key an answer must not show, in each form an echo may take: the current one and those replaced within the grace period. */
  secrets(): readonly Buffer[] {
    if (this.#retired.length > 0 && this.#retired.some((r) => r.until <= Date.now())) {
      this.#retired = this.#retired.filter((r) => r.until > Date.now());
      this.#secrets = [this.#current, ...this.#retired.map((r) => r.key)].flatMap(secretForms);
    }
    return this.#secrets;
  }

  /** Called with the new key's fingerprint after every switch. */
  onSwitch(listener: (fingerprint: string) => void): void {
    this.#listeners.push(listener);
  }

  /** Re-reads the file; returns whether the key in use is the file's. */
  reload(): boolean {
    if (this.file === undefined) return true;
    const { path, logger } = this.file;
    this.#lastReadVersion = fileVersion(path);
    let key: string;
    try {
      key = readFileSync(path, 'utf8').trim();
    } catch (err) {
      return this.#keep(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (key === '') return this.#keep(`${path} is empty`);
    if (/\s/.test(key)) return this.#keep(`${path} holds more than one word`);
    this.#problem = undefined;
    if (key === this.#current) return true;
    const old = this.#current;
    this.#retired.push({ key: old, until: Date.now() + (this.file.graceMs ?? 5 * 60_000) });
    this.#current = key;
    this.#fingerprint = keyFingerprint(key);
    this.#since = Date.now();
    this.#secrets = [key, ...this.#retired.map((r) => r.key)].flatMap(secretForms);
    logger.info({ from: keyFingerprint(old), to: keyFingerprint(key) }, 'VirusTotal API key switched');
    for (const listener of this.#listeners) listener(this.#fingerprint);
    return true;
  }

  #keep(problem: string): boolean {
    this.#problem = problem;
    this.file?.logger.warn({ reason: problem, keeping: this.fingerprint }, 'VirusTotal API key file unusable; keeping the last good key');
    return false;
  }

  /** Reloads on SIGHUP and whenever the file changes. Does nothing without a file, or when already watching. */
  watch(): void {
    if (this.file === undefined || this.#stopWatching !== undefined) return;
    const { path, pollIntervalMs } = this.file;
    this.#stopWatching = watchFile(path, () => this.#lastReadVersion, () => this.reload(), pollIntervalMs ?? 1000);
  }

  close(): void {
    this.#stopWatching?.();
    this.#stopWatching = undefined;
  }
}

