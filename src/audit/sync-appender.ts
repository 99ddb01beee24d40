import { closeSync, fstatSync, ftruncateSync, openSync } from 'node:fs';
import { pino } from 'pino';

type SyncDestination = ReturnType<typeof pino.destination>;

/** A pipe that stays full this long (EAGAIN, 100 ms apart) fails the write instead of blocking forever. */
const MAX_EAGAIN_RETRIES = 50;

/**
 * Appends whole lines to one file descriptor through pino's SonicBoom destination in sync mode: `append` returns only
 * once the line is in the kernel (so a crash of the process loses nothing), and throws if it is not.
 *
 * After a failure the appender must be discarded: SonicBoom keeps the failed bytes queued and would write them later.
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

  append(line: string): void {
    if (this.closed) throw new Error('audit appender is closed');
    if (this.failure !== null) throw new Error('audit appender failed before and must be reopened', { cause: this.failure });
    this.eagainRetries = 0;
    this.dest.write(line);
    const failure = this.failure as Error | null; // set by the 'error' listener during write(), unseen by TS's narrowing
    if (failure !== null) {
      this.dropPartialLine();
      throw failure;
    }
    this.size += Buffer.byteLength(line);
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
