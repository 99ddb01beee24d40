/**
 * The audit file: appended line by line through SyncAppender, rotated by size or UTC day without breaking the chain
 * (names in series.ts), and continued from the last line on disk when opened.
 */
import { accessSync, constants, existsSync, fstatSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ChainLink } from './line.js';
import { AppendFailed, SyncAppender, type LineSink } from './line-sink.js';
import { nextRotatedPath, resumePoint } from './series.js';

export interface RotatingFileOptions {
  path: string;
  /** Rotate before a line that would take the file beyond this many bytes; 0 or absent: never by size. */
  maxBytes?: number;
  /** Rotate before the first line of a new UTC day. */
  rotateDaily?: boolean;
  now?: () => Date;
}

/** After a failed rename, rotation is retried this much later; lines keep going to the current file meanwhile. */
const ROTATION_RETRY_MS = 60_000;
const DAY_MS = 86_400_000;

export class RotatingFile implements LineSink {
  readonly name: string;
  private readonly maxBytes: number;
  private readonly rotateDaily: boolean;
  private readonly now: () => Date;
  private appender: SyncAppender | null = null;
  /** UTC day number (days since the epoch) of the lines in the live file. */
  private day = 0;
  private rotationRetryAt = 0;

  /** Creates the file's directory if needed; throws a clear Error if it cannot. */
  constructor(opts: RotatingFileOptions) {
    this.name = resolve(opts.path);
    this.maxBytes = opts.maxBytes ?? 0;
    this.rotateDaily = opts.rotateDaily ?? false;
    this.now = opts.now ?? (() => new Date());
    try {
      mkdirSync(dirname(this.name), { recursive: true });
    } catch (err) {
      throw new Error(`audit log: cannot create the directory of ${this.name}: ${messageOf(err)}`, { cause: err });
    }
  }

  /** Opens the live file and reads where the chain goes on: its last line, or the newest rotated file's. */
  open(): ChainLink {
    this.discardAppender();
    const resume = resumePoint(this.name);
    const appender = SyncAppender.openFile(this.name);
    if (resume.needsNewline) {
      try {
        appender.append('\n');
      } catch (err) {
        closeQuietly(appender);
        throw err;
      }
    }
    this.appender = appender;
    this.day = utcDay(resume.day === null ? this.now().getTime() : Date.parse(resume.day));
    return { prevHash: resume.prevHash, chainRestart: resume.chainRestart };
  }

  /** As few writes as rotation allows: each takes as many lines as fit before the size limit (always at least one). */
  append(lines: readonly string[]): void {
    let written = 0;
    try {
      for (let first = lines[0]; first !== undefined; first = lines[written]) {
        let text = first;
        let bytes = Buffer.byteLength(text);
        const appender = this.appenderFor(bytes);
        let end = written + 1;
        for (let next = lines[end]; next !== undefined; next = lines[++end]) {
          const nextBytes = Buffer.byteLength(next);
          if (this.maxBytes > 0 && appender.size + bytes + nextBytes > this.maxBytes) break;
          text += next;
          bytes += nextBytes;
        }
        appender.append(text);
        written = end;
      }
    } catch (err) {
      // The log opens the file again before its next lines, and takes the chain up from what is on disk.
      this.discardAppender();
      throw new AppendFailed(written, err);
    }
  }

  /** True while the file at the path is the one being written (not deleted or replaced). */
  isWritable(): boolean {
    try {
      if (this.appender === null) {
        accessSync(existsSync(this.name) ? this.name : dirname(this.name), constants.W_OK);
        return true;
      }
      accessSync(this.name, constants.W_OK);
      const onDisk = statSync(this.name);
      const open = fstatSync(this.appender.fd);
      return onDisk.ino === open.ino && onDisk.dev === open.dev;
    } catch {
      return false;
    }
  }

  close(): void {
    const appender = this.appender;
    this.appender = null;
    appender?.close();
  }

  /** The appender for a line of `lineBytes`, after rotating first if the line is due in a new file. */
  private appenderFor(lineBytes: number): SyncAppender {
    const appender = this.appender;
    if (appender === null) throw new Error('the audit file is not open');
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
      renameSync(this.name, nextRotatedPath(this.name));
      this.rotationRetryAt = 0;
    } catch (err) {
      if (this.rotationRetryAt === 0) {
        process.emitWarning(`audit log ${this.name}: rotation failed, writing on in the same file: ${messageOf(err)}`, {
          code: 'AUDIT_ROTATION_FAILED',
        });
      }
      this.rotationRetryAt = this.now().getTime() + ROTATION_RETRY_MS;
    }
    this.appender = SyncAppender.openFile(this.name);
    return this.appender;
  }

  private discardAppender(): void {
    const appender = this.appender;
    this.appender = null;
    if (appender !== null) closeQuietly(appender);
  }
}

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
