/**
 * The audit log: one hash-chained JSON line per request (see chain-hash.ts), written synchronously so that a response
 * never leaves before its line is in the file, rotated by size or UTC day without breaking the chain
 * (see rotated-files.ts), and continued from the last line on disk when reopened (see resume-point.ts).
 *
 * Path "-" writes to stdout: no rotation, and the chain starts from genesis at every start since stdout cannot be
 * read back.
 */
import { accessSync, constants, existsSync, fstatSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AuditEntry } from './audit-entry.js';
import { bodyHash, GENESIS_HASH, withHash } from './chain-hash.js';
import { lineBody } from './line-text.js';
import { resumePoint } from './resume-point.js';
import { listRotated, rotatedPath } from './rotated-files.js';
import { SyncAppender } from './sync-appender.js';

export interface AuditLogOptions {
  path: string;
  /** Rotate before a line that would take the file beyond this many bytes; 0 or absent: never by size. */
  maxBytes?: number;
  /** Rotate before the first line of a new UTC day. */
  rotateDaily?: boolean;
  now?: () => Date;
}

interface ChainedLine {
  entry: AuditEntry;
  /** The line as written, newline-terminated. */
  text: string;
  /** The chain state before this line, to go back to if it is not written. */
  prevHash: string;
  chainRestart: boolean;
}

interface QueuedLine extends ChainedLine {
  done: (err: Error | null) => void;
}

const STDOUT = '-';

/** The queued line at an index the caller has checked is in range. */
function queuedAt(batch: QueuedLine[], index: number): QueuedLine {
  const line = batch[index];
  if (line === undefined) throw new RangeError(`audit log: no queued line at ${index} of ${batch.length}`);
  return line;
}
/** After a failed rename, rotation is retried this much later; lines keep going to the current file meanwhile. */
const ROTATION_RETRY_MS = 60_000;

export class AuditLog {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly rotateDaily: boolean;
  private readonly now: () => Date;
  private appender: SyncAppender | null = null;
  /** Lines chained by enqueue() and not yet written (all in the current turn of the event loop). */
  private queued: QueuedLine[] = [];
  private prevHash = GENESIS_HASH;
  private chainRestart = false;
  /** UTC day number (days since the epoch) of the lines in the live file. */
  private day = 0;
  private rotationRetryAt = 0;
  private closed = false;

  private constructor(opts: AuditLogOptions) {
    this.path = opts.path === STDOUT ? STDOUT : resolve(opts.path);
    this.maxBytes = opts.maxBytes ?? 0;
    this.rotateDaily = opts.rotateDaily ?? false;
    this.now = opts.now ?? (() => new Date());
  }

  /** Creates the directory if needed and opens the live file for appending; throws a clear Error if it cannot. */
  static open(opts: AuditLogOptions): AuditLog {
    const log = new AuditLog(opts);
    if (log.path !== STDOUT) {
      try {
        mkdirSync(dirname(log.path), { recursive: true });
      } catch (err) {
        throw new Error(`audit log: cannot create the directory of ${log.path}: ${messageOf(err)}`, { cause: err });
      }
    }
    try {
      log.reopen();
    } catch (err) {
      throw new Error(`audit log: ${log.path} cannot be opened for writing: ${messageOf(err)}`, { cause: err });
    }
    return log;
  }

  /** Appends the entry's line and returns once it is in the file; throws if it is not. */
  write(entry: AuditEntry): void {
    if (this.closed) throw new Error(`audit log ${this.path} is closed`);
    // Lines queued before this one go first: the file keeps the order of the chain.
    this.flushQueued();
    let line: ChainedLine;
    try {
      this.openForChain();
      line = this.chain(entry);
    } catch (err) {
      throw this.writeFailed(err);
    }
    try {
      this.append(line.text);
    } catch (err) {
      this.unchain(line);
      throw this.writeFailed(err);
    }
  }

  /**
   * Group commit: chains the entry's line now (the chain follows the order of calls) and calls back once the line is
   * in the file, written in one go with every other line queued in the same turn of the event loop. The callback
   * gets an Error if the line is not in the file; the lines before it may be.
   */
  enqueue(entry: AuditEntry, done: (err: Error | null) => void): void {
    if (this.closed) {
      done(new Error(`audit log ${this.path} is closed`));
      return;
    }
    let line: ChainedLine;
    try {
      line = this.chain(entry);
    } catch (err) {
      done(this.writeFailed(err));
      return;
    }
    this.queued.push({ ...line, done });
    if (this.queued.length === 1) setImmediate(this.flushQueuedSoon);
  }

  /** For a readiness probe: open, writable, and the file at `path` is still the one being written. */
  isWritable(): boolean {
    if (this.closed) return false;
    if (this.path === STDOUT) return true;
    try {
      if (this.appender === null) {
        accessSync(existsSync(this.path) ? this.path : dirname(this.path), constants.W_OK);
        return true;
      }
      accessSync(this.path, constants.W_OK);
      const onDisk = statSync(this.path);
      const open = fstatSync(this.appender.fd);
      return onDisk.ino === open.ino && onDisk.dev === open.dev;
    } catch {
      return false;
    }
  }

  /** Writes what is queued, flushes synchronously and closes; later writes throw. */
  close(): void {
    if (this.closed) return;
    this.flushQueued();
    this.closed = true;
    const appender = this.appender;
    this.appender = null;
    appender?.close();
  }

  /** The entry's line, chained to the one before; the chain moves on at once (unchain undoes it). */
  private chain(entry: AuditEntry): ChainedLine {
    const prevHash = this.prevHash;
    const chainRestart = this.chainRestart;
    const body = lineBody(entry, prevHash, chainRestart);
    const hash = bodyHash(prevHash, body);
    this.prevHash = hash;
    this.chainRestart = false;
    return { entry, text: withHash(body, hash), prevHash, chainRestart };
  }

  /**
   * Opens the live file if a failure closed it. Reopening takes the chain up from the last line on disk, so it must
   * happen before lines are chained; lines queued meanwhile are chained anew (see flushQueued).
   */
  private openForChain(): boolean {
    if (this.appender !== null) return false;
    this.reopen();
    return true;
  }

  private writeFailed(err: unknown): Error {
    return new Error(`audit log ${this.path}: write failed: ${messageOf(err)}`, { cause: err });
  }

  /** A line that did not reach the file: the chain goes on from the line before it. */
  private unchain(line: ChainedLine): void {
    this.prevHash = line.prevHash;
    this.chainRestart = line.chainRestart;
  }

  private readonly flushQueuedSoon = (): void => {
    this.flushQueued();
  };

  /** Writes the queued lines, as few writes as rotation allows, and answers each line's callback. */
  private flushQueued(): void {
    const batch = this.queued;
    if (batch.length === 0) return;
    this.queued = [];
    let written = 0;
    let failure: Error | null = null;
    try {
      if (this.openForChain()) {
        for (const line of batch) Object.assign(line, this.chain(line.entry));
      }
    } catch (err) {
      failure = this.writeFailed(err);
    }
    while (failure === null && written < batch.length) {
      // Lines for one file: as many as fit before the size limit (always at least one).
      let text = queuedAt(batch, written).text;
      let end = written + 1;
      try {
        let bytes = Buffer.byteLength(text);
        const appender = this.appenderFor(bytes);
        for (; end < batch.length; end++) {
          const next = Buffer.byteLength(queuedAt(batch, end).text);
          if (this.maxBytes > 0 && appender.size + bytes + next > this.maxBytes) break;
          text += queuedAt(batch, end).text;
          bytes += next;
        }
        this.append(text);
      } catch (err) {
        failure = this.writeFailed(err);
        break;
      }
      written = end;
    }
    if (failure !== null) this.unchain(queuedAt(batch, written));
    for (const [i, line] of batch.entries()) line.done(i < written ? null : failure);
  }

  private append(line: string): void {
    const appender = this.appenderFor(Buffer.byteLength(line));
    try {
      appender.append(line);
    } catch (err) {
      // The next write reopens the file and takes the chain up from what is on disk.
      this.appender = null;
      closeQuietly(appender);
      throw err;
    }
  }

  private appenderFor(lineBytes: number): SyncAppender {
    const appender = this.appender ?? this.reopen();
    if (this.path === STDOUT) return appender;
    const now = this.now();
    const today = utcDay(now.getTime());
    if (appender.size === 0) {
      this.day = today;
      return appender;
    }
    const full = this.maxBytes > 0 && appender.size + lineBytes > this.maxBytes;
    const newDay = this.rotateDaily && today !== this.day;
    if ((full || newDay) && now.getTime() >= this.rotationRetryAt) {
      const next = this.rotate(appender);
      if (next.size === 0) this.day = today;
      return next;
    }
    return appender;
  }

  /** Renames the live file to the next rotated name and opens a new one; the chain simply goes on in it. */
  private rotate(current: SyncAppender): SyncAppender {
    this.appender = null;
    current.close();
    try {
      renameSync(this.path, rotatedPath(this.path, (listRotated(this.path).at(-1)?.n ?? 0) + 1));
      this.rotationRetryAt = 0;
    } catch (err) {
      if (this.rotationRetryAt === 0) {
        process.emitWarning(`audit log ${this.path}: rotation failed, writing on in the same file: ${messageOf(err)}`, {
          code: 'AUDIT_ROTATION_FAILED',
        });
      }
      this.rotationRetryAt = this.now().getTime() + ROTATION_RETRY_MS;
    }
    this.appender = SyncAppender.openFile(this.path);
    return this.appender;
  }

  /** Opens the live file and continues the chain from the last line on disk. */
  private reopen(): SyncAppender {
    if (this.path === STDOUT) {
      this.appender = SyncAppender.stdout();
      return this.appender;
    }
    const resume = resumePoint(this.path);
    const appender = SyncAppender.openFile(this.path);
    if (resume.needsNewline) {
      try {
        appender.append('\n');
      } catch (err) {
        closeQuietly(appender);
        throw err;
      }
    }
    this.appender = appender;
    this.prevHash = resume.prevHash;
    this.chainRestart = resume.chainRestart;
    this.day = utcDay(resume.day === null ? this.now().getTime() : Date.parse(resume.day));
    return appender;
  }
}

const DAY_MS = 86_400_000;

/** Days since the epoch, UTC (JavaScript time has no leap seconds: every day is DAY_MS long). */
function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

function closeQuietly(appender: SyncAppender): void {
  try {
    appender.close();
  } catch {
    // Already failed; the error worth reporting is the one that got us here.
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What a channel needs of the audit log: write one entry, synchronously, or throw. */
export type AuditWriter = Pick<AuditLog, 'write'>;
