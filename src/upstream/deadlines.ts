import undiciErrors from 'undici/lib/core/errors.js';
import type { Dispatcher } from 'undici';

/** Checked at least this often, and at least four times per timeout, while a request to VirusTotal is in flight. */
const LONGEST_SWEEP_MS = 500;
const SHORTEST_SWEEP_MS = 10;

/**
 * The upstream's two timeouts, as undici's pool keeps them (`headersTimeout`: from the request written to its
 * response headers; `bodyTimeout`: the longest pause between two chunks of the body, not counted while the caller's
 * side has paused the reading), kept by one sweep over the requests in flight instead of a timer per request. undici
 * arms its own parser timer anew on every request and keeps it until its next half-second tick: under load those
 * timers were the largest share of what the gateway promoted to V8's old space.
 *
 * A request that overruns is aborted with undici's own HeadersTimeoutError or BodyTimeoutError, so it fails exactly
 * as the pool's timeouts would fail it (error-mapping.ts). A timeout of 0 is none.
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
  ) {
    const shortest = Math.min(...[headersTimeoutMs, bodyTimeoutMs].filter((ms) => ms > 0), LONGEST_SWEEP_MS * 4);
    this.sweepMs = Math.max(SHORTEST_SWEEP_MS, Math.min(LONGEST_SWEEP_MS, Math.floor(shortest / 4)));
  }

  /** A request written to VirusTotal: its headers are due within the headers timeout. */
  start(controller: Dispatcher.DispatchController): Deadline {
    const deadline = new Deadline(controller, this);
    if (this.headersTimeoutMs > 0 || this.bodyTimeoutMs > 0) {
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
      if (controller.aborted) {
        this.forget(deadline);
        continue;
      }
      const limit = deadline.inBody ? this.bodyTimeoutMs : this.headersTimeoutMs;
      if (limit === 0 || now - deadline.lastProgress < limit) continue;
      if (deadline.inBody && controller.paused) continue;
      this.forget(deadline);
      controller.abort(deadline.inBody ? new undiciErrors.BodyTimeoutError() : new undiciErrors.HeadersTimeoutError());
    }
  };
}

/** One request's progress as the sweep reads it. */
export class Deadline {
  inBody = false;
  lastProgress = performance.now();
  /** @internal its place among the requests in flight; -1 when not there. */
  slot = -1;

  constructor(
    readonly controller: Dispatcher.DispatchController,
    private readonly owner: UpstreamDeadlines,
  ) {}

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
