import type { HttpMethod } from '../catalog/operation.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { callerGone, callerTooSlow } from '../errors.js';
import { CallerTooSlowError, type Deadline, type QueuedExchange, type UpstreamDeadlines } from './deadlines.js';
import { ResponseGuard } from './response-guard.js';

/** Answers up to this size with a declared length are read whole: cheaper than stream plumbing per request. */
const WHOLE_BODY_BYTES = 64 * 1024;

export interface ExchangeRequest {
  method: HttpMethod;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** Asked as the request is about to be written: gone, it is dropped unsent. */
  callerGone?: () => boolean;
  /** Told the key's fingerprint once the request is being written. */
  trace?: UpstreamTrace;
  keyFingerprint?: string;
}

/** What an audit line needs to know of the way to VirusTotal (a call record is one). */
export interface UpstreamTrace {
  /** The fingerprint of the key the request went out with; undefined while nothing was sent. */
  keyFingerprint: string | undefined;
  /** VirusTotal's status, once its headers arrived: a write whose answer then broke off may have been applied. */
  upstreamStatus: number | null;
}

export interface ExchangeLimits {
  maxResponseBytes: number;
  secrets: readonly Buffer[];
}

/** How the exchange went, as far as the caller of `exchange` needs to know once it resolves. */
export type Exchanged =
  /** A small answer of declared length, read whole. */
  | { kind: 'whole'; statusCode: number; headers: IncomingHttpHeaders; body: Buffer }
  /** Any other answer, streaming on through a guard (size cap, key redaction). */
  | { kind: 'stream'; statusCode: number; headers: IncomingHttpHeaders; body: ResponseGuard }
  /** A redirect or an answer declared too large: its body was not read and the request was aborted. */
  | { kind: 'refused'; statusCode: number; headers: IncomingHttpHeaders };

/** A failure of the exchange, and VirusTotal's status if its headers had arrived before it (else 0). */
export class ExchangeError extends Error {
  constructor(
    override readonly cause: Error,
    readonly statusCode: number,
  ) {
    super(cause.message, { cause });
  }
}

export interface StreamEvents {
  /** The streamed body failed on VirusTotal's side (not because the caller hung up); gives the error to end it with. */
  onBodyFailure(err: Error): Error;
}

const DISCARDED = new Error('response not read');

/**
 * One request through the pool with an undici dispatch handler of our own: no response stream or promise per
 * chunk for the small answers that are most of the traffic, and for large ones the chunks go straight into the
 * guard that the caller's answer reads from, with backpressure (the upstream socket pauses while the caller is slow).
 */
export function exchange(
  pool: Dispatcher,
  req: ExchangeRequest,
  limits: ExchangeLimits,
  events: StreamEvents,
  deadlines: UpstreamDeadlines,
): Promise<Exchanged> {
  return new Promise((resolve, reject) => {
    pool.dispatch(
      { method: req.method, path: req.path, headers: req.headers, body: req.body ?? null },
      new ExchangeHandler(req, limits, events, deadlines, resolve, reject),
    );
  });
}

/** One exchange's state and undici's callbacks on it: an object per request rather than a closure per callback. */
class ExchangeHandler implements Dispatcher.DispatchHandler, QueuedExchange {
  private settled = false;
  private statusCode = 0;
  private headers: IncomingHttpHeaders = {};
  private chunks: Buffer[] | null = null;
  private guard: ResponseGuard | null = null;
  private abandoned = false;
  private ended = false;
  private deadline: Deadline;
  /** Why the request, still queued, was failed: undici drops it when it would send it. */
  private expiredBy: Error | null = null;

  constructor(
    private readonly req: ExchangeRequest,
    private readonly limits: ExchangeLimits,
    private readonly events: StreamEvents,
    private readonly deadlines: UpstreamDeadlines,
    private readonly resolve: (value: Exchanged) => void,
    private readonly reject: (err: ExchangeError) => void,
  ) {
    this.deadline = deadlines.start(this);
  }

  expired(err: Error): void {
    if (this.settled) return;
    this.expiredBy = err;
    this.settled = true;
    this.reject(new ExchangeError(err, 0));
  }

  private settle(value: Exchanged): void {
    this.settled = true;
    this.resolve(value);
  }

  // Its presence also tells undici that this handler speaks the controller API, not the legacy callbacks.
  onRequestStart(controller: Dispatcher.DispatchController): void {
    // A request waits in the pool's queue while every connection is busy: it may have expired, or its caller left.
    // Thrown, not controller.abort(): undici then drops the request and keeps the connection, where abort would
    // destroy a healthy keep-alive socket for every request dropped.
    if (this.expiredBy !== null) throw this.expiredBy;
    if (this.req.callerGone?.() === true) throw callerGone();
    const { trace } = this.req;
    if (trace !== undefined) trace.keyFingerprint = this.req.keyFingerprint;
    // undici calls this again when it writes the request anew (a pipelined request retried on a new socket).
    if (this.deadline.controller !== null) {
      this.deadline.done();
      this.deadline = this.deadlines.start(this);
    }
    this.deadline.sending(controller);
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, responseHeaders: IncomingHttpHeaders): void {
    this.deadline.progressed();
    this.statusCode = status;
    this.headers = responseHeaders;
    const declared = Number(responseHeaders['content-length']);
    if ((status >= 300 && status < 400) || (Number.isFinite(declared) && declared > this.limits.maxResponseBytes)) {
      this.settle({ kind: 'refused', statusCode: status, headers: responseHeaders });
      controller.abort(DISCARDED);
      return;
    }
    if (Number.isFinite(declared) && declared <= WHOLE_BODY_BYTES) {
      this.chunks = [];
      return;
    }
    const body = new ResponseGuard(this.limits.maxResponseBytes, this.limits.secrets);
    // Chunks go in at once, before whoever answers the caller has attached to the stream: an error then (the
    // size cap in the first chunk) must not be an uncaught 'error' event; it stays on the stream (errored)
    // for the answer's pipeline to find.
    body.on('error', () => {});
    this.guard = body;
    body.on('drain', () => {
      this.deadline.progressed();
      controller.resume();
    });
    body.on('close', () => {
      // The caller hung up (or the guard failed): stop reading VirusTotal's body.
      this.abandoned = !this.ended;
      if (!this.ended && !controller.aborted) controller.abort(DISCARDED);
    });
    this.settle({ kind: 'stream', statusCode: status, headers: responseHeaders, body });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.deadline.progressed();
    if (this.chunks !== null) this.chunks.push(chunk);
    else if (this.guard !== null && !this.guard.write(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.deadline.done();
    this.ended = true;
    if (this.chunks !== null) this.settle({ kind: 'whole', statusCode: this.statusCode, headers: this.headers, body: Buffer.concat(this.chunks) });
    else this.guard?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.deadline.done();
    if (err === DISCARDED) return;
    if (!this.settled) {
      this.reject(new ExchangeError(err, this.statusCode));
      return;
    }
    if (this.guard !== null && !this.abandoned && !this.guard.destroyed) {
      // A caller too slow to read is not VirusTotal failing: cut off without counting against it.
      this.guard.destroy(err instanceof CallerTooSlowError ? callerTooSlow(err.limitMs) : this.events.onBodyFailure(err));
    }
  }
}
