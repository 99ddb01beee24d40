import undiciErrors from 'undici/lib/core/errors.js';
import t from 'tap';
import type { Dispatcher } from 'undici';
import { UpstreamDeadlines } from '../../src/upstream/deadlines.js';

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

t.test('the sweep aborts only the requests that overran, whatever order the others ended in', async (t) => {
  const deadlines = new UpstreamDeadlines(60, 60);
  const controllers = Array.from({ length: 8 }, () => controller());
  const watched = controllers.map((c) => deadlines.start(c));
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
  deadlines.start(c);
  await sleep(50);
  t.equal(c.reason, null);
});
