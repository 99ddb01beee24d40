import type { HttpMethod } from '../catalog/operation.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Deadline, UpstreamDeadlines } from './deadlines.js';
import { ResponseGuard } from './response-guard.js';

/** Answers up to this size with a declared length are read whole: cheaper than stream plumbing per request. */
const WHOLE_BODY_BYTES = 64 * 1024;

export interface ExchangeRequest {
  method: HttpMethod;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
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

/** A failure of the exchange, and whether VirusTotal's headers had arrived before it. */
export class ExchangeError extends Error {
  constructor(
    override readonly cause: Error,
    readonly afterHeaders: boolean,
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
    let settled = false;
    let statusCode = 0;
    let headers: IncomingHttpHeaders = {};
    let chunks: Buffer[] | null = null;
    let guard: ResponseGuard | null = null;
    let abandoned = false;
    let ended = false;
    let deadline: Deadline | undefined;
    const settle = (value: Exchanged): void => {
      settled = true;
      resolve(value);
    };

    pool.dispatch(
      { method: req.method, path: req.path, headers: req.headers, body: req.body ?? null },
      {
        // Its presence also tells undici that this handler speaks the controller API, not the legacy callbacks.
        onRequestStart(controller) {
          // undici calls this again when it writes the request anew (a pipelined request retried on a new socket).
          deadline?.done();
          deadline = deadlines.start(controller);
        },
        onResponseStart(controller, status, responseHeaders) {
          deadline?.progressed();
          statusCode = status;
          headers = responseHeaders;
          const declared = Number(responseHeaders['content-length']);
          if ((status >= 300 && status < 400) || (Number.isFinite(declared) && declared > limits.maxResponseBytes)) {
            settle({ kind: 'refused', statusCode, headers });
            controller.abort(DISCARDED);
            return;
          }
          if (Number.isFinite(declared) && declared <= WHOLE_BODY_BYTES) {
            chunks = [];
            return;
          }
          const body = new ResponseGuard(limits.maxResponseBytes, limits.secrets);
          // Chunks go in at once, before whoever answers the caller has attached to the stream: an error then (the
          // size cap in the first chunk) must not be an uncaught 'error' event; it stays on the stream (errored)
          // for the answer's pipeline to find.
          body.on('error', () => {});
          guard = body;
          body.on('drain', () => {
            deadline?.progressed();
            controller.resume();
          });
          body.on('close', () => {
            // The caller hung up (or the guard failed): stop reading VirusTotal's body.
            abandoned = !ended;
            if (!ended && !controller.aborted) controller.abort(DISCARDED);
          });
          settle({ kind: 'stream', statusCode, headers, body });
        },
        onResponseData(controller, chunk) {
          deadline?.progressed();
          if (chunks !== null) chunks.push(chunk);
          else if (guard !== null && !guard.write(chunk)) controller.pause();
        },
        onResponseEnd() {
          deadline?.done();
          ended = true;
          if (chunks !== null) settle({ kind: 'whole', statusCode, headers, body: Buffer.concat(chunks) });
          else guard?.end();
        },
        onResponseError(_controller, err) {
          deadline?.done();
          if (err === DISCARDED) return;
          if (!settled) {
            reject(new ExchangeError(err, statusCode !== 0));
            return;
          }
          if (guard !== null && !abandoned && !guard.destroyed) {
            guard.destroy(events.onBodyFailure(err));
          }
        },
      },
    );
  });
}
