import t from 'tap';
import { PersonDirectory, MAX_DIRECTORY_GROUPS } from '../../src/audit/people.js';
import { DEMO_GROUP_ID } from '../../src/simulator/index.js';
import { bearer, type TestClient } from '../helpers/gateway.js';
import { startStack } from '../helpers/stack.js';
import { callTool, startMcpStack } from '../mcp/fixtures/mcp-stack.js';
import { sampleEntry } from './.fixtures/audit-files.js';

// The audit line of every answered call names its people; only a call VirusTotal answered with success may make the
// gateway look a group's users up. An attacker's refused calls must not spend the organisation's budget, unaudited.

const noScopes: TestClient = { id: 'svc-none', token: 'vtgw_people-none-token-00000000000000000000000', scopes: [] };
const oneGroup: TestClient = {
  id: 'svc-one-group',
  token: 'vtgw_people-one-group-token-0000000000000000000',
  scopes: ['groups:read'],
  groups: [DEMO_GROUP_ID],
};
const PEOPLE_ON = { auditPeopleRefreshSeconds: 300 };
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
const lookupsIn = (urls: readonly string[]) => urls.filter((url) => /\/groups\/[^/]+\/users\?attributes=email/.test(url));

t.test('refused REST calls naming groups and users send nothing to VirusTotal; a successful call looks its group up once', async (t) => {
  const stack = await startStack(t, { config: PEOPLE_ON, clients: [noScopes, oneGroup] });
  stack.sim.resetStats();
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${stack.url}${path}`, { headers });
  for (let i = 0; i < 10; i++) {
    t.equal((await get(`/v1/groups/anon_${i}/relationships/users/u${i}`)).status, 401);
    t.equal((await get(`/v1/groups/noscope_${i}/relationships/users/u${i}`, bearer(noScopes.token))).status, 403);
    t.equal((await get(`/v1/groups/other_${i}/relationships/users/u${i}`, bearer(oneGroup.token))).status, 403);
    t.equal((await get(`/v1/groups/-bad${i}/relationships/users/u${i}`, stack.auth)).status, 400);
  }
  await settle();
  t.equal(stack.sim.requestCount(), 0, 'VirusTotal received nothing');
  const refused = stack.auditLines().filter((line) => line.targets.group?.startsWith('noscope_'));
  t.equal(refused.length, 10, 'each refusal is on the record');
  t.same(refused[0]?.people, [{ username: 'u0', email: null }], 'and names its user from what is cached');

  const member = await get(`/v1/groups/${DEMO_GROUP_ID}/relationships/users/demo_admin`, bearer(oneGroup.token));
  t.equal(member.status, 200);
  await settle();
  const urls = stack.sim.requests().map((request) => request.url);
  t.same(lookupsIn(urls), [`/api/v3/groups/${DEMO_GROUP_ID}/users?attributes=email&limit=40`], 'one look-up, of the group VirusTotal answered for');
  t.equal((await get(`/v1/groups/${DEMO_GROUP_ID}/relationships/users/demo_admin`, bearer(oneGroup.token))).status, 200);
  await settle();
  t.equal(lookupsIn(stack.sim.requests().map((request) => request.url)).length, 1, 'not again within the refresh period');
});

t.test('refused MCP tool calls naming groups and users send nothing to VirusTotal', async (t) => {
  const stack = await startMcpStack(t, { config: PEOPLE_ON, clients: [noScopes, oneGroup] });
  stack.sim.resetStats();
  const asNoScopes = await stack.connect(noScopes.token);
  const asOneGroup = await stack.connect(oneGroup.token);
  for (let i = 0; i < 5; i++) {
    t.equal((await callTool(asNoScopes, 'check-if-user-is-group-2', { id: `noscope_${i}`, user_id: `u${i}` })).isError, true);
    t.equal((await callTool(asOneGroup, 'check-if-user-is-group-2', { id: `other_${i}`, user_id: `u${i}` })).isError, true);
    t.equal((await callTool(asOneGroup, 'check-if-user-is-group-2', { id: `-bad${i}`, user_id: `u${i}` })).isError, true);
  }
  await settle();
  t.equal(stack.sim.requestCount(), 0, 'VirusTotal received nothing');
  t.ok(stack.auditLines().some((line) => line.targets.group === 'other_0' && line.status === 403), 'the refusals are on the record');
});

t.test('the directory looks up only after a successful call, and keeps a bounded number of groups', async (t) => {
  const looked: string[] = [];
  const directory = new PersonDirectory(async (group) => {
    looked.push(group);
    return [{ username: `${group}_user`, email: `${group}@example.com` }];
  });
  const entry = (group: string, upstreamStatus: number | null) => sampleEntry(1, { targets: { group, user: `${group}_user` }, upstreamStatus });
  directory.withPeople(entry('refused', null));
  directory.withPeople(entry('not_found', 404));
  directory.withPeople(entry('failed', 503));
  directory.withPeople(entry('acme_[api key withheld]', 200));
  await directory.settled();
  t.same(looked, [], 'no look-up for a call VirusTotal did not answer with success, nor of a withheld group id');

  for (let i = 0; i <= MAX_DIRECTORY_GROUPS; i++) directory.withPeople(entry(`g${i}`, 200));
  await directory.settled();
  t.equal(looked.length, MAX_DIRECTORY_GROUPS + 1);
  t.same(directory.withPeople(entry(`g${MAX_DIRECTORY_GROUPS}`, 200)).people, [{ username: `g${MAX_DIRECTORY_GROUPS}_user`, email: `g${MAX_DIRECTORY_GROUPS}@example.com` }], 'the newest group is known');
  t.same(directory.withPeople(entry('g0', 403)).people, [{ username: 'g0_user', email: null }], 'the oldest was dropped to make room');
  await directory.settled();
  t.equal(looked.length, MAX_DIRECTORY_GROUPS + 1, 'and a refused call does not look it up again');
});

t.test('the look-up throttle is bounded too: past MAX_DIRECTORY_GROUPS failing groups, the oldest may be tried again', async (t) => {
  const tried: string[] = [];
  const directory = new PersonDirectory(
    async (group) => {
      tried.push(group);
      throw new Error('budget spent');
    },
    { failed: () => {} },
  );
  const entry = (group: string) => sampleEntry(1, { targets: { group, user: 'someone' }, upstreamStatus: 200 });
  directory.withPeople(entry('g0'));
  directory.withPeople(entry('g0'));
  await directory.settled();
  t.same(tried, ['g0'], 'a failed group is not tried again within refreshMs');
  for (let i = 1; i <= MAX_DIRECTORY_GROUPS; i++) directory.withPeople(entry(`g${i}`));
  await directory.settled();
  directory.withPeople(entry(`g${MAX_DIRECTORY_GROUPS}`));
  directory.withPeople(entry('g0'));
  await directory.settled();
  t.equal(tried.length, MAX_DIRECTORY_GROUPS + 2, 'the newest is still throttled; the oldest was dropped and is tried again');
  t.equal(tried.at(-1), 'g0');
});
