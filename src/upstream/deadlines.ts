import undiciErrors from 'undici/lib/core/errors.js';
import type { Dispatcher } from 'undici';
import { upstreamBusy } from '../errors.js';

/** Checked at least this often, and at least four times per timeout, while a request to VirusTotal is in flight. */
const LONGEST_SWEEP_MS = 500;
const SHORTEST_SWEEP_MS = 10;

/** What a request waiting in the pool's queue is told when no connection came free within the headers timeout. */
export interface QueuedExchange {
  /** Fail the call now; the request must never be sent once a connection does come free. */
  expired(err: Error): void;
}

/** A streamed answer left unread by its caller for longer than allowed: cut off, VirusTotal's connection freed. */
export class CallerTooSlowError extends Error {
  constructor(readonly limitMs: number) {
    super(`The caller read none of the answer for ${limitMs} ms`);
  }
}

/**
 * The upstream's timeouts, kept by one sweep over the requests in flight instead of a timer per request:
 * - `headersTimeout`: from the request handed to the pool (a wait in its queue for a free connection included) to
 *   VirusTotal's response headers;
 * - `bodyTimeout`: the longest pause between two chunks of the body, not counted while the caller's side has paused
 *   the reading;
 * - `callerReadTimeout`: the longest the caller's side may keep the reading paused (a caller that reads nothing holds
 *   one of the pool's connections to VirusTotal meanwhile).
 * undici arms its own parser timer anew on every request and keeps it until its next half-second tick: under load
 * those timers were the largest share of what the gateway promoted to V8's old space.
 *
 * A request that overruns is aborted with undici's own HeadersTimeoutError or BodyTimeoutError, so it fails exactly
 * as the pool's timeouts would fail it (error-mapping.ts); a queued one is failed through `expired` with the
 * gateway's own 503 (nothing was sent: not VirusTotal's failure), a caller too slow with CallerTooSlowError. A
 * timeout of 0 is none.
 */
export class UpstreamDeadlines {
  // An array with swap-removal, not a Set: a Set with a request added and deleted per call made V8 promote enough
  // to run a full collection every few seconds under load (measured with --trace-gc: 3 in 10 s against none).
  private readonly inFlight: Deadline[] = [];
  private sweeper: NodeJS.Timeout | null = null;
  private readonly sweepMs: number;

  constructor(
    private readonly headersTimeoutMs: number,
    private readonly bodyTimeoutMs: number,
    private readonly callerReadTimeoutMs = 0,
  ) {
    const shortest = Math.min(...[headersTimeoutMs, bodyTimeoutMs, callerReadTimeoutMs].filter((ms) => ms > 0), LONGEST_SWEEP_MS * 4);
    this.sweepMs = Math.max(SHORTEST_SWEEP_MS, Math.min(LONGEST_SWEEP_MS, Math.floor(shortest / 4)));
  }

  /** A request handed to the pool: its headers are due within the headers timeout, however long it waits to be sent. */
  start(exchange: QueuedExchange): Deadline {
    const deadline = new Deadline(exchange, this);
    if (this.headersTimeoutMs > 0 || this.bodyTimeoutMs > 0 || this.callerReadTimeoutMs > 0) {
      deadline.slot = this.inFlight.push(deadline) - 1;
      this.sweeper ??= setInterval(this.sweep, this.sweepMs).unref();
    }
    return deadline;
  }

  /** @internal the request ended, failed or overran. */
  forget(deadline: Deadline): void {
    const { slot } = deadline;
    if (slot < 0) return;
    deadline.slot = -1;
    const last = this.inFlight.pop();
    if (last !== undefined && last !== deadline) {
      this.inFlight[slot] = last;
      last.slot = slot;
    }
    if (this.inFlight.length === 0 && this.sweeper !== null) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  private readonly sweep = (): void => {
    const now = performance.now();
    // From the end: forgetting one moves the last into its place, and the last has been looked at already.
    for (let i = this.inFlight.length - 1; i >= 0; i = Math.min(i - 1, this.inFlight.length - 1)) {
      const deadline = this.inFlight[i];
      if (deadline === undefined) continue;
      const { controller } = deadline;
      if (controller?.aborted === true) {
        this.forget(deadline);
        continue;
      }
      const waited = now - deadline.lastProgress;
      if (deadline.inBody && controller?.paused === true) {
        if (this.callerReadTimeoutMs === 0 || waited < this.callerReadTimeoutMs) continue;
        this.forget(deadline);
        controller.abort(new CallerTooSlowError(this.callerReadTimeoutMs));
        continue;
      }
      const limit = deadline.inBody ? this.bodyTimeoutMs : this.headersTimeoutMs;
      if (limit === 0 || waited < limit) continue;
      this.forget(deadline);
      if (controller === null) deadline.exchange.expired(upstreamBusy(limit));
      else controller.abort(deadline.inBody ? new undiciErrors.BodyTimeoutError() : new undiciErrors.HeadersTimeoutError());
    }
  };
}

/** One request's progress as the sweep reads it. */
export class Deadline {
  inBody = false;
  lastProgress = performance.now();
  /** Null while the request waits in the pool's queue. */
  controller: Dispatcher.DispatchController | null = null;
  /** @internal its place among the requests in flight; -1 when not there. */
  slot = -1;

  constructor(
    readonly exchange: QueuedExchange,
    private readonly owner: UpstreamDeadlines,
  ) {}

  /** The request is being written on a connection: from now on an overrun aborts it there. */
  sending(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }

  /** The response headers arrived (or the reading resumed, or a chunk came): the body timeout counts from now. */
  progressed(): void {
    this.inBody = true;
    this.lastProgress = performance.now();
  }

  /** The request ended or failed: nothing more to watch. */
  done(): void {
    this.owner.forget(this);
  }
}
