import t from 'tap';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { PersonDirectory } from '../../src/audit/people.js';
import { replyJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';
import { sampleEntry } from './.fixtures/audit-files.js';

const JOHN = { username: 'john.smith', email: 'john.smith@example.com' };

t.test('a grant by email and a revoke by username both carry both names, once the group is looked up', async (t) => {
  const upstream = await startFakeUpstream((req, res) => {
    if (req.method === 'GET' && req.url.startsWith('/api/v3/groups/my_group/users?')) {
      replyJson(200, { data: [{ type: 'user', id: JOHN.username, attributes: { email: JOHN.email } }], meta: {} })(req, res);
      return;
    }
    replyJson(200, {})(req, res);
  });
  t.teardown(() => upstream.close());
  const { app, auth, auditLines } = await buildTestGateway(t, { upstream: upstream.baseUrl, config: { auditPeopleRefreshSeconds: 300 } });
  const grant = () =>
    app.inject({
      method: 'POST',
      url: '/v1/groups/my_group/relationships/administrators',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: { data: [{ type: 'user', id: JOHN.email }] },
    });
  t.equal((await grant()).statusCode, 200);
  t.notOk('people' in (auditLines()[0] ?? {}), 'the intent line names the change only, as the caller did');
  t.match(auditLines()[1], { outcome: 'ok', people: [{ username: null, email: JOHN.email }] }, 'not known yet: the other half is null');
  await new Promise((r) => setTimeout(r, 200));
  t.equal((await grant()).statusCode, 200);
  t.same(auditLines().at(-1)?.people, [JOHN], 'known: both names');
  const revoke = await app.inject({ method: 'DELETE', url: `/v1/groups/my_group/relationships/administrators/${JOHN.username}`, headers: auth });
  t.equal(revoke.statusCode, 200);
  t.same(auditLines().at(-1)?.people, [JOHN], 'the revoke by username names the same person');
  const lookups = upstream.seen.filter((req) => req.url.startsWith('/api/v3/groups/my_group/users?'));
  t.equal(lookups.length, 1, 'looked up once within the refresh period');
  t.match(lookups[0]?.url, /attributes=email/);
});

t.test('the directory refreshes at most every refreshMs, never on the caller path, and survives a failed lookup', async (t) => {
  let now = 0;
  let calls = 0;
  let fail = true;
  const failures: string[] = [];
  const directory = new PersonDirectory(
    async () => {
      calls += 1;
      if (fail) throw new Error('budget spent');
      return [JOHN];
    },
    { refreshMs: 1000, now: () => now, failed: (group) => failures.push(group) },
  );
  const entry: AuditEntry = sampleEntry(1, { targets: { group: 'g', user: 'john.smith' }, change: {} });
  t.same(directory.withPeople(entry).people, [{ username: 'john.smith', email: null }]);
  await directory.settled();
  t.same(failures, ['g']);
  directory.withPeople(entry);
  t.equal(calls, 1, 'no second look-up within refreshMs, even after a failure');
  now = 1500;
  fail = false;
  directory.withPeople(entry);
  await directory.settled();
  t.equal(calls, 2);
  t.same(directory.withPeople(entry).people, [JOHN]);
  t.equal(directory.withPeople(sampleEntry(2, { targets: { relationship: 'users' } })).people, undefined, 'no group: no people');
});
