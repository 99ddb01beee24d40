import t from 'tap';
import { lineTime } from '../../src/audit/line-time.js';

t.test('an audit line gets the time to the millisecond, as Date#toISOString writes it', (t) => {
  const realNow = Date.now;
  t.teardown(() => {
    Date.now = realNow;
  });
  let now = Date.UTC(2026, 11, 3, 11, 30, 0, 123);
  Date.now = () => now;
  t.equal(lineTime(), '2026-12-03T11:30:00.123Z');
  t.equal(lineTime(), '2026-12-03T11:30:00.123Z', 'the same millisecond again');
  now += 1;
  t.equal(lineTime(), '2026-12-03T11:30:00.124Z', 'the next millisecond is not the cached one');
  now += 86_400_000;
  t.equal(lineTime(), '2026-12-04T11:30:00.124Z');
  t.end();
});
