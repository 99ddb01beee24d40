/**
 * The audit file: appended line by line through SyncAppender, rotated by size or UTC day without breaking the chain
 * (names in series.ts), continued from the last line on disk when opened, and pruned by retention at rotation.
 *
 * The live file is the file at the path: before each write the open file is compared (device and inode) with the
 * file at the path, and a live file that was renamed or deleted under the gateway is replaced by a new one at the
 * path. The chain goes on from the last line written, so `verify` sees exactly what happened: a renamed file still
 * links to the new one, a deleted file is a break where its lines were.
 */
import { accessSync, closeSync, constants, existsSync, fstatSync, openSync, mkdirSync, readSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Checkpointer, type CheckpointOptions } from './checkpointer.js';
import type { ChainLink } from './line.js';
import { AppendFailed, SyncAppender, type LineSink } from './line-sink.js';
import { countLines, lastHashOf, listRotated, nextRotatedPath, noteRemovedByRetention, resumePoint } from './series.js';

export interface RotatingFileOptions {
  path: string;
  /** Rotate before a line that would take the file beyond this many bytes; 0 or absent: never by size. */
  maxBytes?: number;
  /** Rotate before the first line of a new UTC day. */
  rotateDaily?: boolean;
  /** At rotation, delete the oldest rotated files beyond this many; 0 or absent: keep all. */
  retainFiles?: number;
  /** At rotation, delete the oldest rotated files while the series holds more bytes; 0 or absent: no limit. */
  retainBytes?: number;
  now?: () => Date;
  /** Signed checkpoints of the chain (checkpointer.ts); none when absent. */
  checkpoints?: CheckpointOptions;
  /** Told of each file retention deleted, after the deletion (the audit log records it as a line of its own). */
  removedByRetention?: (removal: RetentionRemoval) => void;
}

/** A rotated file retention deleted: its name, size, line count and the hash of its last line (where the kept series starts). */
export interface RetentionRemoval {
  file: string;
  bytes: number;
  lines: number;
  lastHash: string | null;
  rule: 'AUDIT_RETAIN_FILES' | 'AUDIT_RETAIN_BYTES';
}

/** After a failed rename, rotation is retried this much later; lines keep going to the current file meanwhile. */
const ROTATION_RETRY_MS = 60_000;
const DAY_MS = 86_400_000;

export class RotatingFile implements LineSink {
  readonly name: string;
  private readonly maxBytes: number;
  private readonly rotateDaily: boolean;
  private readonly retainFiles: number;
  private readonly retainBytes: number;
  private readonly now: () => Date;
  private appender: SyncAppender | null = null;
  /** Device and inode of the file the appender writes. */
  private opened: { dev: number; ino: number } | null = null;
  /** UTC day number (days since the epoch) of the lines in the live file. */
  private day = 0;
  private rotationRetryAt = 0;
  private readonly checkpointer: Checkpointer | null;
  private readonly removedByRetention: ((removal: RetentionRemoval) => void) | undefined;

  /** Creates the file's directory if needed; throws a clear Error if it cannot. */
  constructor(opts: RotatingFileOptions) {
    this.name = resolve(opts.path);
    this.maxBytes = opts.maxBytes ?? 0;
    this.rotateDaily = opts.rotateDaily ?? false;
    this.retainFiles = opts.retainFiles ?? 0;
    this.retainBytes = opts.retainBytes ?? 0;
    this.now = opts.now ?? (() => new Date());
    this.removedByRetention = opts.removedByRetention;
    try {
      mkdirSync(dirname(this.name), { recursive: true });
    } catch (err) {
      throw new Error(`audit log: cannot create the directory of ${this.name}: ${messageOf(err)}`, { cause: err });
    }
    this.checkpointer = opts.checkpoints === undefined ? null : new Checkpointer(this.name, { now: this.now, ...opts.checkpoints });
  }

  /** The newest signed checkpoint this process wrote, or null. */
  latestCheckpoint(): string | null {
    return this.checkpointer?.latest() ?? null;
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
    this.useAppender(appender);
    this.checkpointer?.open();
    this.day = utcDay(resume.day === null ? this.now().getTime() : Date.parse(resume.day));
    return { prevHash: resume.prevHash, chainRestart: resume.chainRestart, ...(resume.seq === undefined ? {} : { seq: resume.seq }) };
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
        this.checkpointer?.appended(lines.slice(written, end));
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
    this.checkpointer?.close();
  }

  /** The appender for a line of `lineBytes`, after rotating first if the line is due in a new file. */
  private appenderFor(lineBytes: number): SyncAppender {
    const appender = this.liveAppender();
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
    current.closeInBackground();
    try {
      const rotatedPath = nextRotatedPath(this.name);
      renameSync(this.name, rotatedPath);
      this.rotationRetryAt = 0;
      this.checkpointer?.rotated(rotatedPath);
    } catch (err) {
      if (this.rotationRetryAt === 0) {
        process.emitWarning(`audit log ${this.name}: rotation failed, writing on in the same file: ${messageOf(err)}`, {
          code: 'AUDIT_ROTATION_FAILED',
        });
      }
      this.rotationRetryAt = this.now().getTime() + ROTATION_RETRY_MS;
    }
    const next = this.useAppender(SyncAppender.openFile(this.name));
    this.applyRetention();
    return next;
  }

  /**
   * The appender, after making sure it writes the file at the path: when the live file was renamed or deleted, a new
   * one is opened there (a file put in its place is appended to, after a newline if it lacks a final one).
   */
  private liveAppender(): SyncAppender {
    const appender = this.appender;
    if (appender === null) throw new Error('the audit file is not open');
    if (this.isLiveFile()) return appender;
    process.emitWarning(`audit log ${this.name}: the live file was renamed or deleted; writing on in a new file at the path`, {
      code: 'AUDIT_FILE_REPLACED',
    });
    this.appender = null;
    closeQuietly(appender);
    const reopened = SyncAppender.openFile(this.name);
    try {
      if (reopened.size > 0 && !endsWithNewline(this.name)) reopened.append('\n');
    } catch (err) {
      closeQuietly(reopened);
      throw err;
    }
    return this.useAppender(reopened);
  }

  private isLiveFile(): boolean {
    if (this.opened === null) return false;
    try {
      const onDisk = statSync(this.name);
      return onDisk.ino === this.opened.ino && onDisk.dev === this.opened.dev;
    } catch {
      return false;
    }
  }

  private useAppender(appender: SyncAppender): SyncAppender {
    const { dev, ino } = fstatSync(appender.fd);
    this.opened = { dev, ino };
    this.appender = appender;
    return appender;
  }

  /**
   * Deletes the oldest rotated files beyond the retention settings, always keeping the newest (so that the numbering
   * of rotated files goes on), and notes where the kept series starts so that `verify` can check it from there.
   */
  private applyRetention(): void {
    if (this.retainFiles === 0 && this.retainBytes === 0) return;
    const rotated = listRotated(this.name).map((file) => ({ path: file.path, bytes: sizeOf(file.path) }));
    let files = rotated.length;
    let bytes = rotated.reduce((sum, file) => sum + file.bytes, this.appender?.size ?? 0);
    for (const oldest of rotated.slice(0, -1)) {
      const tooMany = this.retainFiles > 0 && files > this.retainFiles;
      const tooBig = this.retainBytes > 0 && bytes > this.retainBytes;
      if (!tooMany && !tooBig) break;
      let removal: RetentionRemoval;
      try {
        const lastHash = lastHashOf(oldest.path);
        const lines = countLines(oldest.path);
        this.checkpointer?.beforeRemoval();
        unlinkSync(oldest.path);
        if (lastHash !== null) noteRemovedByRetention(this.name, oldest.path, lastHash);
        this.checkpointer?.removed(oldest.path);
        removal = { file: basename(oldest.path), bytes: oldest.bytes, lines, lastHash, rule: tooMany ? 'AUDIT_RETAIN_FILES' : 'AUDIT_RETAIN_BYTES' };
      } catch (err) {
        process.emitWarning(`audit log ${this.name}: retention could not delete ${oldest.path}: ${messageOf(err)}`, {
          code: 'AUDIT_RETENTION_FAILED',
        });
        return;
      }
      this.removedByRetention?.(removal);
      files -= 1;
      bytes -= oldest.bytes;
    }
  }

  private discardAppender(): void {
    const appender = this.appender;
    this.appender = null;
    this.opened = null;
    if (appender !== null) closeQuietly(appender);
  }
}

/** Days since the epoch, UTC (JavaScript time has no leap seconds: every day is DAY_MS long). */
function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function endsWithNewline(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    return size === 0 || (readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a);
  } finally {
    closeSync(fd);
  }
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
