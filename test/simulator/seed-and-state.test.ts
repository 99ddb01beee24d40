import t from 'tap';
import { buildSimulator, DEMO_ADMIN_USER, demoSeed, type SimulatorSeed } from '../../src/simulator/index.js';
import { createState } from '../../src/simulator/state.js';
import { call, KEYS, startSimulator } from './fixtures/simulator-client.js';

t.test('the demo seed has what the docs examples and the gateway tests need', async (t) => {
  t.equal(DEMO_ADMIN_USER, 'demo_admin');
  const state = createState(demoSeed());
  const group = state.groups.get('my_group_id');
  t.equal(group?.members.size, 14, 'more members than the default page size');
  t.strictSame(group?.members.get(DEMO_ADMIN_USER)?.roles, ['USER_ROLE_GROUP_ADMIN']);
  for (const username of ['user_1', 'user_2']) t.ok(group?.members.has(username), username);
  t.equal(state.users.get('user_1')?.email, 'user_1@example.com');
  t.equal(state.users.get('new_user')?.email, 'new_user@example.com');
  for (const other of state.groups.values()) {
    if (other.id !== 'my_group_id') t.notOk(other.members.has('new_user'));
  }
  t.notOk(state.groups.get('other_group')?.members.has(DEMO_ADMIN_USER));
  for (const username of ['user1', 'user2', 'user3']) t.ok(state.users.has(username), username);
  for (const groupId of ['group1', 'group2', 'group3']) t.ok(state.groups.has(groupId), groupId);
  const profile = state.threatProfiles.get('332e02da667746f180a9740e94a3ec98');
  t.equal(profile?.owner, DEMO_ADMIN_USER);
});

t.test('every demoSeed() call and every simulator is independent', async (t) => {
  const first = demoSeed();
  first.users.length = 0;
  t.ok(demoSeed().users.length > 0);

  const seed = demoSeed();
  const a = buildSimulator({ apiKeys: { k: DEMO_ADMIN_USER }, seed });
  const b = buildSimulator({ apiKeys: { k: DEMO_ADMIN_USER }, seed });
  const result = await call(a, 'DELETE', '/groups/my_group_id/relationships/users/user_1', { key: 'k' });
  t.equal(result.status, 200);
  t.notOk(a.state.groups.get('my_group_id')?.members.has('user_1'));
  t.ok(b.state.groups.get('my_group_id')?.members.has('user_1'), 'the other simulator is untouched');
  t.equal(seed.groups[0]?.members.length, 14, 'the seed object is untouched');
});

t.test('the default seed is the demo seed', async (t) => {
  const simulator = buildSimulator({ apiKeys: { k: DEMO_ADMIN_USER } });
  t.equal((await call(simulator, 'GET', '/groups/my_group_id', { key: 'k' })).status, 200);
});

t.test('state changes made by tests are seen by the API', async (t) => {
  const simulator = startSimulator();
  simulator.state.groups.get('my_group_id')?.members.set('new_user', { roles: ['USER_ROLE_GROUP_ADMIN'] });
  const result = await call(simulator, 'GET', '/groups/my_group_id/relationships/administrators/new_user', { key: KEYS.member });
  t.strictSame(result.json, { data: true });
});

t.test('createState refuses seeds that break the API\'s invariants', async (t) => {
  const broken = (change: (seed: SimulatorSeed) => void): SimulatorSeed => {
    const seed = demoSeed();
    change(seed);
    return seed;
  };
  const firstGroup = (seed: SimulatorSeed) => {
    const group = seed.groups[0];
    if (group === undefined) throw new Error('the demo seed has groups');
    return group;
  };
  const firstProfile = (seed: SimulatorSeed) => {
    const profile = seed.threatProfiles[0];
    if (profile === undefined) throw new Error('the demo seed has threat profiles');
    return profile;
  };
  const cases: Array<[RegExp, SimulatorSeed]> = [
    [/duplicate user/, broken((seed) => seed.users.push(...seed.users.slice(0, 1)))],
    [/duplicate group/, broken((seed) => seed.groups.push(firstGroup(seed)))],
    [/unknown user "ghost"/, broken((seed) => firstGroup(seed).members.push({ user: 'ghost', roles: [] }))],
    [/is in groups/, broken((seed) => firstGroup(seed).members.push({ user: 'other_member', roles: [] }))],
    [/unknown role/, broken((seed) => firstGroup(seed).members.push({ user: 'new_user', roles: ['ROOT'] }))],
    [/has no administrator/, broken((seed) => (firstGroup(seed).members = [{ user: 'user_1', roles: [] }]))],
    [/unknown owner/, broken((seed) => (firstProfile(seed).owner = 'ghost'))],
    [/unknown group "ghost"/, broken((seed) => firstProfile(seed).viewers.push({ type: 'group', id: 'ghost' }))],
    [/twice/, broken((seed) => firstProfile(seed).viewers.push({ type: 'user', id: 'user1' }))],
  ];
  for (const [message, seed] of cases) {
    t.throws(() => createState(seed), { message }, String(message));
  }
});
