import undiciErrors from 'undici/lib/core/errors.js';
import t from 'tap';
import type { Dispatcher } from 'undici';
import { CallerTooSlowError, UpstreamDeadlines, type Deadline } from '../../src/upstream/deadlines.js';

/** A dispatch controller that records how it was aborted. */
function controller(): Dispatcher.DispatchController & { reason: Error | null } {
  let paused = false;
  let aborted = false;
  let reason: Error | null = null;
  return {
    get aborted() {
      return aborted;
    },
    get paused() {
      return paused;
    },
    get reason() {
      return reason;
    },
    abort(err: Error) {
      aborted = true;
      reason = err;
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A request handed to the pool and at once sent on a connection, as most are. */
function sent(deadlines: UpstreamDeadlines, c: Dispatcher.DispatchController): Deadline {
  const deadline = deadlines.start({ expired: () => {} });
  deadline.sending(c);
  return deadline;
}

t.test('the sweep aborts only the requests that overran, whatever order the others ended in', async (t) => {
  const deadlines = new UpstreamDeadlines(60, 60);
  const controllers = Array.from({ length: 8 }, () => controller());
  const watched = controllers.map((c) => sent(deadlines, c));
  // Ended in an order that moves the last ones into the freed places.
  for (const i of [0, 7, 3, 5]) watched[i]?.done();
  const paused = controllers[6];
  watched[6]?.progressed();
  paused?.pause();
  const trickling = watched[2];
  for (let elapsed = 0; elapsed < 150; elapsed += 20) {
    trickling?.progressed();
    await sleep(20);
  }
  t.same(
    controllers.map((c) => (c.reason === null ? 'running' : c.reason instanceof undiciErrors.HeadersTimeoutError ? 'headers timeout' : c.reason.constructor.name)),
    ['running', 'headers timeout', 'running', 'running', 'headers timeout', 'running', 'running', 'running'],
    'ended, ended, trickling, ended, overran, ended, paused in its body, ended',
  );
  trickling?.done();
  paused?.resume();
  watched[6]?.progressed();
  await sleep(150);
  t.type(controllers[6]?.reason, undiciErrors.BodyTimeoutError, 'once resumed, its pause between chunks counts');
  t.equal(controllers[2]?.reason, null, 'the trickling one, ended, was never aborted');
});

t.test('no timeouts: a request is never aborted, however long it runs', async (t) => {
  const deadlines = new UpstreamDeadlines(0, 0);
  const c = controller();
  sent(deadlines, c);
  await sleep(50);
  t.equal(c.reason, null);
});

t.test('a request still waiting for a connection expires within the headers timeout; one being sent does not expire', async (t) => {
  const deadlines = new UpstreamDeadlines(60, 0);
  const expired: Error[] = [];
  const queued = deadlines.start({ expired: (err) => expired.push(err) });
  const c = controller();
  const started = deadlines.start({ expired: (err) => expired.push(err) });
  await sleep(30);
  started.sending(c);
  await sleep(100);
  t.equal(expired.length, 1, 'only the queued one is expired');
  t.match(expired[0], { code: 'GW_ERR_UPSTREAM_BUSY', statusCode: 503 }, "the gateway's own refusal: nothing was sent");
  t.type(c.reason, undiciErrors.HeadersTimeoutError, 'the sent one overran its headers timeout on its connection, counted from the hand-over');
  queued.done();
});

t.test("a caller that leaves the reading paused longer than its limit is cut off; one that reads on is not", async (t) => {
  const deadlines = new UpstreamDeadlines(0, 1000, 80);
  const slow = controller();
  const reading = controller();
  const slowDeadline = sent(deadlines, slow);
  const readingDeadline = sent(deadlines, reading);
  slowDeadline.progressed();
  readingDeadline.progressed();
  slow.pause();
  reading.pause();
  for (let elapsed = 0; elapsed < 200; elapsed += 20) {
    reading.resume();
    readingDeadline.progressed();
    reading.pause();
    await sleep(20);
  }
  t.type(slow.reason, CallerTooSlowError, 'paused for more than 80 ms');
  t.equal(reading.reason, null, 'paused again and again, but never for long');
  readingDeadline.done();
});
