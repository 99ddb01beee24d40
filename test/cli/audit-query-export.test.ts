import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { AuditLog } from '../../src/audit/audit-log.js';
import { main as exportMain } from '../../src/cli/audit-export.js';
import { main as queryMain } from '../../src/cli/audit-query.js';
import { sampleEntry } from '../audit/.fixtures/audit-files.js';
import { runCli } from './fixtures/run-cli.js';

const JOHN = { username: 'john.smith', email: 'john.smith@example.com' };
const fixture = JSON.parse(readFileSync(new URL('./fixtures/ocsf-api-activity-required.json', import.meta.url), 'utf8')) as {
  class_uid: number;
  category_uid: number;
  activity_ids: Record<string, string>;
  required: string[];
  required_in: Record<string, string[]>;
};

/** A grant by email, a revoke by username, a read by another client, and a write whose outcome was never written. */
function writeLog(dir: string): string {
  const path = join(dir, 'audit.log');
  const log = AuditLog.open({ path, maxBytes: 1500 });
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 30, 9, minute)).toISOString();
  const grant = { time: at(0), requestId: 'grant-1', clientId: 'svc-onboarding', operation: 'postGroupAdministrators', targets: { group: 'my_group' } };
  log.write(sampleEntry(1, { ...grant, outcome: 'intent', status: 0, change: { grantAdminTo: [JOHN.email] }, people: [JOHN] }));
  log.write(sampleEntry(2, { ...grant, change: { grantAdminTo: [JOHN.email] }, people: [JOHN] }));
  log.write(
    sampleEntry(3, {
      time: at(10),
      requestId: 'revoke-1',
      clientId: 'svc-offboarding',
      method: 'DELETE',
      operation: 'deleteUserGroupAdministrator',
      targets: { group: 'my_group', user: JOHN.username },
      people: [JOHN],
    }),
  );
  log.write(sampleEntry(4, { time: at(20), requestId: 'read-1', clientId: 'svc-reader', method: 'GET', operation: 'getGroup', targets: { group: 'my_group' }, change: {} }));
  log.write(sampleEntry(5, { time: at(30), requestId: 'lost-1', clientId: 'svc-onboarding', outcome: 'intent', status: 0, change: { addUsers: ['jane'] } }));
  // A caller that chose its request id: a read answered under `reused-1`, then a write under it whose outcome was lost.
  log.write(sampleEntry(6, { time: at(40), requestId: 'reused-1', clientId: 'svc-onboarding', method: 'GET', operation: 'getGroup', targets: { group: 'my_group' }, change: {} }));
  log.write(sampleEntry(7, { time: at(41), requestId: 'reused-1', clientId: 'svc-onboarding', outcome: 'intent', status: 0, change: { addUsers: ['mallory'] } }));
  // Another client's call under the same id, answered while that write was in flight: not the write's outcome.
  log.write(sampleEntry(8, { time: at(50), requestId: 'shared-1', clientId: 'svc-onboarding', outcome: 'intent', status: 0, change: { addUsers: ['eve'] } }));
  log.write(sampleEntry(9, { time: at(51), requestId: 'shared-1', clientId: 'svc-reader', method: 'GET', operation: 'getGroup', targets: { group: 'my_group' }, change: {} }));
  // Two writes under one id: the first's outcome lost, the second answered. The answer is the second's, not the first's.
  const twice = { requestId: 'twice-1', clientId: 'svc-onboarding', method: 'DELETE', operation: 'deleteUserFromGroup' };
  log.write(sampleEntry(10, { ...twice, time: at(52), path: '/v1/groups/my_group/relationships/users/alice', outcome: 'intent', status: 0, change: { removeUser: 'alice' } }));
  log.write(sampleEntry(11, { ...twice, time: at(53), path: '/v1/groups/my_group/relationships/users/bob', outcome: 'intent', status: 0, change: { removeUser: 'bob' } }));
  log.write(sampleEntry(12, { ...twice, time: at(53), path: '/v1/groups/my_group/relationships/users/bob', change: { removeUser: 'bob' } }));
  log.close();
  return path;
}

const ids = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { requestId: string; outcome: string }).requestId);

t.test('query: a person by either name, a client, an operation, an outcome, a time range; lines as written', async (t) => {
  const dir = t.testdir();
  const path = writeLog(dir);
  t.same(ids((await runCli(queryMain, ['--user', JOHN.email, dir])).stdout), ['grant-1', 'grant-1', 'revoke-1'], 'by email');
  t.same(ids((await runCli(queryMain, ['--user', 'JOHN.SMITH', dir])).stdout), ['grant-1', 'grant-1', 'revoke-1'], 'by username, any case');
  t.same(ids((await runCli(queryMain, ['--client', 'svc-reader', path])).stdout), ['read-1', 'shared-1']);
  t.same(ids((await runCli(queryMain, ['--operation', 'postGroupAdministrators', '--outcome', 'ok', dir])).stdout), ['grant-1']);
  t.same(ids((await runCli(queryMain, ['--since', '2026-11-30T09:10:00Z', '--until', '2026-11-30T09:30:00Z', dir])).stdout), ['revoke-1', 'read-1']);
  const all = (await runCli(queryMain, [dir])).stdout;
  const written = [...readdirSync(dir).filter((name) => /^audit\.log\.\d+$/.test(name)).sort(), 'audit.log']
    .map((name) => {
      try {
        return readFileSync(join(dir, name), 'utf8');
      } catch {
        return '';
      }
    })
    .join('');
  t.equal(all, written, 'every line, byte for byte, in chain order across the rotated files');
  const bad = await runCli(queryMain, ['--since', 'yesterday', dir]);
  t.equal(bad.status, 2);
  t.match(bad.stderr, /^bad --since: yesterday/);
});

t.test('export --format ocsf: API Activity 6003 with the pinned required fields; an intent only without its outcome', async (t) => {
  const dir = t.testdir();
  writeLog(dir);
  const run = await runCli(exportMain, ['--format', 'ocsf', dir]);
  t.equal(run.status, 0);
  const lostRemovals = run.stdout.split('\n').filter((line) => line.includes('twice-1') && line.includes('"intent"'));
  t.equal(lostRemovals.length, 1, 'one write under twice-1 is unanswered');
  t.match(lostRemovals[0], /relationships\/users\/alice/, "and it is alice's removal, not bob's");
  const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, Record<string, unknown>> & Record<string, unknown>);
  t.same(
    events.map((e) => e.api?.request),
    [{ uid: 'grant-1' }, { uid: 'revoke-1' }, { uid: 'read-1' }, { uid: 'lost-1' }, { uid: 'reused-1' }, { uid: 'reused-1' }, { uid: 'shared-1' }, { uid: 'shared-1' }, { uid: 'twice-1' }, { uid: 'twice-1' }],
    "the grant's intent is left out (its outcome is there); the lost writes' intents are kept, also one whose request id an earlier read used",
  );
  for (const event of events) {
    for (const field of fixture.required) t.ok(event[field] !== undefined, `${String(event.api?.operation)}: ${field}`);
    for (const [object, fields] of Object.entries(fixture.required_in)) for (const field of fields) t.ok(event[object]?.[field] !== undefined, `${object}.${field}`);
    t.equal(event.class_uid, fixture.class_uid);
    t.equal(event.category_uid, fixture.category_uid);
    t.equal(event.type_uid, 600300 + Number(event.activity_id));
    t.equal(fixture.activity_ids[String(event.activity_id)], event.activity_name);
  }
  const [grant, revoke, read, lost] = events;
  t.match(grant, {
    activity_name: 'Create',
    status: 'Success',
    actor: { user: { uid: 'svc-onboarding' } },
    api: { operation: 'postGroupAdministrators' },
    src_endpoint: { ip: '10.0.0.7' },
    resources: [{ type: 'group', uid: 'my_group' }],
    unmapped: { change: { grantAdminTo: [JOHN.email] }, people: [JOHN], prevHash: /^[0-9a-f]{64}$/, hash: /^[0-9a-f]{64}$/ },
  });
  t.match(revoke, { activity_name: 'Delete', resources: [{ type: 'group' }, { type: 'user', uid: JOHN.username }] });
  t.match(read, { activity_name: 'Read', severity_id: 1 });
  t.match(lost, { status_id: 0, unmapped: { outcome: 'intent' } });
  t.equal((await runCli(exportMain, [dir])).status, 2, '--format is required');
  t.equal((await runCli(exportMain, ['--format', 'cef', dir])).status, 2);
});
