/**
 * Where the audit log's lines go. The log chains the lines and batches them; a sink only stores whole lines in order,
 * and says where the chain goes on when it is (re)opened. Built in: a rotating file (rotating-file.ts) and stdout
 * (below), both through SyncAppender, which returns only once the bytes are in the kernel.
 */
import { close, closeSync, existsSync, fstatSync, fsync, ftruncateSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { chainFields, GENESIS_HASH, isChainHash, splitLine, type ChainLink } from './line.js';

export interface LineSink {
  /** Names the sink in error messages: a path, or "-" for stdout. */
  readonly name: string;
  /**
   * Opens the sink, at start and again after a failed append, and says where the chain goes on: the end of the chain
   * the sink holds, or null when the sink cannot be read back (the chain goes on from the last line this process
   * wrote, genesis at first). Throws if the sink cannot be opened.
   */
  open(): ChainLink | null;
  /**
   * Stores whole lines (each newline-terminated) in order, and returns once all of them are durable. On failure it
   * throws: an AppendFailed tells how many of the lines went in before it, any other error means none did.
   */
  append(lines: readonly string[]): void;
  /** For a readiness probe: whether lines appended now would be stored where they are expected. */
  isWritable(): boolean;
  /** Flushes and releases the sink; it is not used again. */
  close(): void;
  /**
   * Each line starts with STDOUT_MARKER (inside the hashed bytes) so that a shipper can tell audit lines from the
   * operational log lines they are mixed with.
   */
  readonly marksLines?: boolean;
  /** The newest signed checkpoint of the chain, for sinks that sign them. */
  latestCheckpoint?(): string | null;
}

/** A failed append after `written` of its lines were stored. */
export class AppendFailed extends Error {
  constructor(
    readonly written: number,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** The first member of every audit line on stdout. */
export const STDOUT_MARKER = '"log":"vtgw-audit"';

/**
 * Standard output: no rotation, and nothing to read back. With a state file the chain goes on across restarts from
 * the last hash written (kept there after every append); without one each start begins a chain from genesis.
 */
export class StdoutSink implements LineSink {
  readonly name = '-';
  readonly marksLines = true;
  private appender: SyncAppender | null = null;

  constructor(private readonly statePath?: string) {}

  open(): ChainLink | null {
    this.appender?.close();
    this.appender = SyncAppender.stdout();
    if (this.statePath === undefined || !existsSync(this.statePath)) return null;
    try {
      const state: unknown = JSON.parse(readFileSync(this.statePath, 'utf8'));
      const lastHash = typeof state === 'object' && state !== null && 'lastHash' in state ? state.lastHash : null;
      const seq = typeof state === 'object' && state !== null && 'seq' in state && typeof state.seq === 'number' ? state.seq : 0;
      if (isChainHash(lastHash)) return { prevHash: lastHash, chainRestart: false, seq };
    } catch {
      // An unreadable state file: the chain restarts, and says so.
    }
    return { prevHash: GENESIS_HASH, chainRestart: true };
  }

  append(lines: readonly string[]): void {
    if (this.appender === null) throw new Error('stdout sink is not open');
    this.appender.append(lines.join(''));
    const last = lines.at(-1);
    const lastHash = last === undefined ? null : (splitLine(last.trimEnd())?.hash ?? null);
    if (this.statePath !== undefined && lastHash !== null) {
      const seq = last === undefined ? null : (chainFields(last)?.seq ?? null);
      const tmp = `${this.statePath}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ lastHash, ...(seq === null ? {} : { seq }) })}\n`, { mode: 0o640 });
      renameSync(tmp, this.statePath);
    }
  }

  isWritable(): boolean {
    return this.appender !== null;
  }

  close(): void {
    this.appender?.close();
    this.appender = null;
  }
}

type SyncDestination = ReturnType<typeof pino.destination>;

/** A pipe that stays full this long (EAGAIN, 100 ms apart) fails the write instead of blocking forever. */
const MAX_EAGAIN_RETRIES = 50;

/**
 * Appends whole lines to one file descriptor through pino's SonicBoom destination in sync mode: `append` returns only
 * once the line is in the kernel (so a crash of the process loses nothing), and throws if it is not.
 *
 * After a failure the appender refuses further lines and must be replaced: SonicBoom keeps the failed bytes queued
 * and would write them later.
 */
export class SyncAppender {
  private readonly dest: SyncDestination;
  private failure: Error | null = null;
  private eagainRetries = 0;
  private closed = false;

  private constructor(
    readonly fd: number,
    private readonly ownsFd: boolean,
    /** Bytes in the file, counting only what this appender knows was written. */
    public size: number,
  ) {
    this.dest = pino.destination({
      dest: fd,
      sync: true,
      retryEAGAIN: () => ++this.eagainRetries <= MAX_EAGAIN_RETRIES,
    });
    // In sync mode SonicBoom reports a failed write by emitting 'error' before write() returns.
    this.dest.on('error', (err: Error) => {
      this.failure ??= err;
    });
  }

  static openFile(path: string): SyncAppender {
    const fd = openSync(path, 'a', 0o640);
    try {
      return new SyncAppender(fd, true, fstatSync(fd).size);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  static stdout(): SyncAppender {
    return new SyncAppender(1, false, 0);
  }

  append(text: string): void {
    if (this.closed) throw new Error('audit appender is closed');
    if (this.failure !== null) throw new Error('audit appender failed before and must be reopened', { cause: this.failure });
    this.eagainRetries = 0;
    this.dest.write(text);
    const failure = this.failureAfterWrite();
    if (failure !== null) {
      this.dropPartialLine();
      throw failure;
    }
    this.size += Buffer.byteLength(text);
  }

  /** Flushes anything SonicBoom holds (nothing, in sync mode) and fsyncs, then closes the descriptor if it is ours. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.failure === null) {
      try {
        this.dest.flushSync();
      } catch {
        // A destination that cannot flush has failed already; closing must still release the descriptor.
      }
    }
    if (this.ownsFd) closeSync(this.fd);
  }

  /**
   * Closes without waiting for the disk, for a file the log has finished with while serving (rotation): every byte is
   * in the kernel already, and the flush to disk runs in the thread pool before the descriptor is closed. close()
   * would fsync on the event loop, stalling every request in flight until up to a whole file reached the disk.
   */
  closeInBackground(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.ownsFd) return;
    const fd = this.fd;
    fsync(fd, () => close(fd, () => {}));
  }

  /** Set by the 'error' listener during write(); a method call so that TypeScript does not keep the earlier narrowing. */
  private failureAfterWrite(): Error | null {
    return this.failure;
  }

  /** A write that failed half-way must not leave a fragment for the next line to be glued onto. */
  private dropPartialLine(): void {
    if (!this.ownsFd) return;
    try {
      if (fstatSync(this.fd).size !== this.size) ftruncateSync(this.fd, this.size);
    } catch {
      // The log reopens from what is on disk, and a fragment left there is what verify will report.
    }
  }
}
