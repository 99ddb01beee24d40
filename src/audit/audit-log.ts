/**
 * The audit log: one hash-chained JSON line per request (format in line.ts), stored by a LineSink (line-sink.ts).
 * Every line goes one way: enqueue() queues it, the queue is chained in call order and handed to the sink in one
 * append once the current turn of the event loop is done (group commit), and each line's callback runs once the line
 * is stored or has failed. A line is never acknowledged before it is in the sink.
 */
import type { AuditEntry } from './audit-entry.js';
import { gatewayEvent } from './gateway-events.js';
import { chainLine, entryJson, GENESIS_HASH, type ChainLink } from './line.js';
import { AppendFailed, STDOUT_MARKER, StdoutSink, type LineSink } from './line-sink.js';
import { RotatingFile, type RotatingFileOptions } from './rotating-file.js';

/** `path` "-" is stdout (its chain kept across restarts in `statePath` when given); any other path a rotating file. */
export type AuditLogOptions = RotatingFileOptions & {
  statePath?: string;
  /** Every line carries this replica id and a sequence number (line.ts); absent: neither. */
  replica?: string;
};

/** Told of every line, whichever channel enqueued it; called before the line's own callback, and must not throw. */
export interface AuditObserver {
  written?: (entry: AuditEntry) => void;
  failed?: (err: Error, entry: AuditEntry) => void;
}

interface QueuedLine {
  entry: AuditEntry;
  /** The entry's JSON fields, made at enqueue so that an entry that cannot be written fails its own caller at once. */
  fields: string;
  done: (err: Error | null) => void;
}

const STDOUT = '-';

export class AuditLog {
  /** The sink's name: the live file's absolute path, or "-". */
  readonly path: string;
  private queued: QueuedLine[] = [];
  /** Where the next line links to. */
  private link: ChainLink = { prevHash: GENESIS_HASH, chainRestart: false };
  /** The last append failed: the sink must be opened again, which also says where the chain goes on. */
  private sinkFailed = false;
  private lastFailed = false;
  private closed = false;
  private readonly observers = new Set<AuditObserver>();

  private constructor(
    private readonly sink: LineSink,
    private readonly replica?: string,
  ) {
    this.path = sink.name;
  }

  /** Opens the sink that `opts.path` names; throws a clear Error if it cannot. */
  static open(opts: AuditLogOptions): AuditLog {
    if (opts.path === STDOUT) return AuditLog.writingTo(new StdoutSink(opts.statePath), opts.replica);
    // The sink calls back only at a rotation, after `log` below exists.
    const log: AuditLog = AuditLog.writingTo(
      new RotatingFile({
        ...opts,
        removedByRetention: (removal) => {
          opts.removedByRetention?.(removal);
          log.enqueue(gatewayEvent('retentionRemoved', { ...removal }), (err) => {
            if (err !== null) process.emitWarning(`audit log: the deletion of ${removal.file} by retention could not be recorded: ${err.message}`, { code: 'AUDIT_EVENT_UNRECORDED' });
          });
        },
      }),
      opts.replica,
    );
    return log;
  }

  /** An audit log writing to `sink`, opened now; throws a clear Error if it cannot be. */
  static writingTo(sink: LineSink, replica?: string): AuditLog {
    const log = new AuditLog(sink, replica);
    try {
      log.link = sink.open() ?? log.link;
    } catch (err) {
      throw new Error(`audit log: ${sink.name} cannot be opened for writing: ${messageOf(err)}`, { cause: err });
    }
    return log;
  }

  /**
   * Group commit: queues the entry's line; once the current turn of the event loop is done, every line queued in it
   * is chained in call order and stored in one append. `done` gets null once the line is stored, or the Error that
   * kept it out (the lines before it may be stored).
   */
  enqueue(entry: AuditEntry, done: (err: Error | null) => void): void {
    if (this.closed) {
      this.settle(entry, done, new Error(`audit log ${this.path} is closed`));
      return;
    }
    let fields: string;
    try {
      fields = entryJson(entry);
    } catch (err) {
      // Only the caller-shaped part can defeat JSON (a change too deep or too odd to write): the line still says
      // who did what to which target, and why its change is missing.
      try {
        entry = { ...entry, change: { unrecorded: `the change could not be written: ${String(err).slice(0, 200)}` } };
        fields = entryJson(entry);
      } catch (again) {
        this.settle(entry, done, this.writeFailed(again));
        return;
      }
    }
    this.queued.push({ entry, fields, done });
    if (this.queued.length === 1) setImmediate(this.flushSoon);
  }

  /**
   * enqueue() and store at once, with whatever was queued before: returns once the line is stored, throws if it is
   * not. For callers that cannot wait for a callback.
   */
  write(entry: AuditEntry): void {
    const outcome: { err: Error | null } = { err: null };
    this.enqueue(entry, (err) => {
      outcome.err = err;
    });
    this.flush();
    if (outcome.err !== null) throw outcome.err;
  }

  /** Adds an observer of every line stored or failed from now on; returns the function that removes it. */
  observe(observer: AuditObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Whether the most recent line failed (a readiness probe reports not ready until a line is stored again). */
  get lastWriteFailed(): boolean {
    return this.lastFailed;
  }

  /** The newest signed checkpoint line (checkpoint.ts), or null when the log signs none or has signed none yet. */
  latestCheckpoint(): string | null {
    return this.sink.latestCheckpoint?.() ?? null;
  }

  /** For a readiness probe: open, and the sink would store lines where they are expected. */
  isWritable(): boolean {
    return !this.closed && this.sink.isWritable();
  }

  /** Stores what is queued and closes the sink; later lines fail with "is closed". */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.sink.close();
  }

  private readonly flushSoon = (): void => {
    this.flush();
  };

  /** Chains the queued lines from where the chain stands, appends them, and answers each line's callback. */
  private flush(): void {
    const batch = this.queued;
    if (batch.length === 0) return;
    this.queued = [];
    const links: ChainLink[] = [];
    let written = 0;
    let failure: Error | null = null;
    try {
      if (this.sinkFailed) {
        this.link = this.sink.open() ?? this.link;
        this.sinkFailed = false;
      }
      const lines: string[] = [];
      let link = this.link;
      for (const { fields } of batch) {
        const line = chainLine(this.sink.marksLines === true ? `{${STDOUT_MARKER},${fields.slice(1)}` : fields, link, this.replica);
        lines.push(line.text);
        links.push({ prevHash: line.hash, chainRestart: false, seq: line.seq });
        link = { prevHash: line.hash, chainRestart: false, seq: line.seq };
      }
      this.sink.append(lines);
      written = batch.length;
    } catch (err) {
      this.sinkFailed = true;
      written = err instanceof AppendFailed ? err.written : 0;
      failure = this.writeFailed(err instanceof AppendFailed ? err.cause : err);
    }
    const last = links[written - 1];
    if (last !== undefined) this.link = last;
    batch.forEach(({ entry, done }, i) => this.settle(entry, done, i < written ? null : failure));
  }

  private settle(entry: AuditEntry, done: (err: Error | null) => void, err: Error | null): void {
    this.lastFailed = err !== null;
    for (const observer of this.observers) {
      if (err === null) observer.written?.(entry);
      else observer.failed?.(err, entry);
    }
    done(err);
  }

  private writeFailed(err: unknown): Error {
    return new Error(`audit log ${this.path}: write failed: ${messageOf(err)}`, { cause: err });
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What a channel needs of the audit log: store one entry, synchronously, or throw. */
