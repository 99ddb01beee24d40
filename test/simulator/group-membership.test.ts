import t from 'tap';
import { call, KEYS, rolesOf, snapshot, startSimulator } from './fixtures/simulator-client.js';

const users = (...ids: string[]) => ({ data: ids.map((id) => ({ type: 'user', id })) });
const memberIds = (simulator: ReturnType<typeof startSimulator>, groupId: string) => [
  ...(simulator.state.groups.get(groupId)?.members.keys() ?? []),
];

t.test('POST .../relationships/users adds users by email and answers 200 with an empty body', async (t) => {
  const simulator = startSimulator();
  const result = await call(simulator, 'POST', '/groups/my_group_id/relationships/users', {
    key: KEYS.admin,
    body: users('new_user@example.com'),
  });
  t.equal(result.status, 200);
  t.equal(result.text, '');
  t.equal(result.headers['content-length'], '0');
  t.strictSame(rolesOf(simulator, 'my_group_id', 'new_user'), []);
  t.equal(memberIds(simulator, 'my_group_id').at(-1), 'new_user', 'new members join at the end of the listing');
  const check = await call(simulator, 'GET', '/groups/my_group_id/relationships/users/new_user', { key: KEYS.admin });
  t.strictSame(check.json, { data: true });
});

t.test('emails match case-insensitively and existing members are a no-op', async (t) => {
  const simulator = startSimulator();
  const before = memberIds(simulator, 'my_group_id');
  const result = await call(simulator, 'POST', '/groups/my_group_id/relationships/users', {
    key: KEYS.admin,
    body: users('USER_1@Example.com', 'new_user@example.com', 'new_user@example.com'),
  });
  t.equal(result.status, 200);
  t.strictSame(memberIds(simulator, 'my_group_id'), [...before, 'new_user']);
});

t.test('POST .../relationships/users is all-or-nothing', async (t) => {
  const simulator = startSimulator();
  const before = snapshot(simulator);
  const cases: Array<[string, unknown, number, string]> = [
    ['a username instead of an email', users('new_user@example.com', 'spellman'), 400, 'InvalidArgumentError'],
    ['an unknown email', users('new_user@example.com', 'ghost@example.com'), 404, 'NotFoundError'],
    ['a user of another group', users('new_user@example.com', 'other_member@example.com'), 409, 'AlreadyExistsError'],
    ['a descriptor of the wrong type', { data: [{ type: 'user', id: 'new_user@example.com' }, { type: 'group', id: 'x@example.com' }] }, 400, 'BadRequestError'],
    ['an entry without id', { data: [{ type: 'user' }] }, 400, 'BadRequestError'],
    ['an entry that is not an object', { data: ['new_user@example.com'] }, 400, 'BadRequestError'],
    ['an empty list', { data: [] }, 400, 'BadRequestError'],
    ['no data list', { data: { type: 'user', id: 'new_user@example.com' } }, 400, 'BadRequestError'],
  ];
  for (const [name, body, status, code] of cases) {
    const result = await call(simulator, 'POST', '/groups/my_group_id/relationships/users', { key: KEYS.admin, body });
    t.equal(result.status, status, name);
    t.match(result.json, { error: { code, message: String } }, name);
  }
  const nonEmail = await call(simulator, 'POST', '/groups/my_group_id/relationships/users', { key: KEYS.admin, body: users('spellman') });
  t.strictSame(nonEmail.json, { error: { code: 'InvalidArgumentError', message: 'Invalid email address: "spellman"' } });
  t.equal(snapshot(simulator), before, 'nothing changed');
});

t.test('POST .../relationships/administrators grants admin to members', async (t) => {
  const simulator = startSimulator();
  const result = await call(simulator, 'POST', '/groups/my_group_id/relationships/administrators', {
    key: KEYS.admin,
    body: users('user_1@example.com', 'user_2@example.com', 'demo_admin@example.com'),
  });
  t.equal(result.status, 200);
  t.equal(result.text, '');
  t.strictSame(rolesOf(simulator, 'my_group_id', 'user_1'), ['USER_ROLE_GROUP_ADMIN']);
  t.strictSame(rolesOf(simulator, 'my_group_id', 'user_2'), ['USER_ROLE_PRIVATE_SCANNING', 'USER_ROLE_GROUP_ADMIN']);
  t.strictSame(rolesOf(simulator, 'my_group_id', 'demo_admin'), ['USER_ROLE_GROUP_ADMIN'], 'no duplicate role');
  const check = await call(simulator, 'GET', '/groups/my_group_id/relationships/administrators/user_1', { key: KEYS.member });
  t.strictSame(check.json, { data: true });
});

t.test('POST .../relationships/administrators is all-or-nothing', async (t) => {
  const simulator = startSimulator();
  const before = snapshot(simulator);
  const cases: Array<[string, string[], number, string]> = [
    ['a user outside every group', ['user_1@example.com', 'new_user@example.com'], 400, 'InvalidArgumentError'],
    ['a user of another group', ['user_1@example.com', 'other_member@example.com'], 400, 'InvalidArgumentError'],
    ['an unknown email', ['user_1@example.com', 'ghost@example.com'], 404, 'NotFoundError'],
    ['a username', ['user_1@example.com', 'user_3'], 400, 'InvalidArgumentError'],
  ];
  for (const [name, emails, status, code] of cases) {
    const result = await call(simulator, 'POST', '/groups/my_group_id/relationships/administrators', {
      key: KEYS.admin,
      body: users(...emails),
    });
    t.equal(result.status, status, name);
    t.match(result.json, { error: { code } }, name);
  }
  t.equal(snapshot(simulator), before, 'user_1 was not made an administrator');
});

t.test('DELETE .../administrators/{user_id} revokes admin and keeps the member', async (t) => {
  const simulator = startSimulator();
  await call(simulator, 'POST', '/groups/my_group_id/relationships/administrators', { key: KEYS.admin, body: users('user_2@example.com') });
  const result = await call(simulator, 'DELETE', '/groups/my_group_id/relationships/administrators/user_2', { key: KEYS.admin });
  t.equal(result.status, 200);
  t.equal(result.text, '');
  t.strictSame(rolesOf(simulator, 'my_group_id', 'user_2'), ['USER_ROLE_PRIVATE_SCANNING']);

  const noop = await call(simulator, 'DELETE', '/groups/my_group_id/relationships/administrators/user_3', { key: KEYS.admin });
  t.equal(noop.status, 200, 'a non-admin member is a no-op');
  const outsider = await call(simulator, 'DELETE', '/groups/my_group_id/relationships/administrators/other_admin', { key: KEYS.admin });
  t.equal(outsider.status, 200, 'a user of another group is a no-op');
  t.strictSame(rolesOf(simulator, 'other_group', 'other_admin'), ['USER_ROLE_GROUP_ADMIN']);
  const unknown = await call(simulator, 'DELETE', '/groups/my_group_id/relationships/administrators/ghost', { key: KEYS.admin });
  t.equal(unknown.status, 404);
  t.match(unknown.json, { error: { code: 'NotFoundError', message: 'User "ghost" not found' } });
});

t.test('DELETE .../users/{user_id} removes the member and their roles', async (t) => {
  const simulator = startSimulator();
  const result = await call(simulator, 'DELETE', '/groups/my_group_id/relationships/users/user_2', { key: KEYS.admin });
  t.equal(result.status, 200);
  t.equal(result.text, '');
  t.equal(rolesOf(simulator, 'my_group_id', 'user_2'), undefined);
  t.equal(memberIds(simulator, 'my_group_id').length, 13);

  const rejoin = await call(simulator, 'POST', '/groups/my_group_id/relationships/users', { key: KEYS.admin, body: users('user_2@example.com') });
  t.equal(rejoin.status, 200);
  t.strictSame(rolesOf(simulator, 'my_group_id', 'user_2'), [], 'a returning member starts without roles');

  t.equal((await call(simulator, 'DELETE', '/groups/my_group_id/relationships/users/new_user', { key: KEYS.admin })).status, 200, 'a non-member is a no-op');
  t.equal((await call(simulator, 'DELETE', '/groups/my_group_id/relationships/users/ghost', { key: KEYS.admin })).status, 404);
  t.equal(memberIds(simulator, 'my_group_id').length, 14);
});

t.test('the last administrator cannot be removed or demoted', async (t) => {
  const simulator = startSimulator();
  const before = snapshot(simulator);
  for (const path of ['/groups/my_group_id/relationships/administrators/demo_admin', '/groups/my_group_id/relationships/users/demo_admin']) {
    const result = await call(simulator, 'DELETE', path, { key: KEYS.admin });
    t.equal(result.status, 400, path);
    t.match(result.json, { error: { code: 'BadRequestError', message: /without administrators/ } });
  }
  t.equal(snapshot(simulator), before);

  await call(simulator, 'POST', '/groups/my_group_id/relationships/administrators', { key: KEYS.admin, body: users('user_1@example.com') });
  const demote = await call(simulator, 'DELETE', '/groups/my_group_id/relationships/administrators/demo_admin', { key: KEYS.admin });
  t.equal(demote.status, 200, 'with a second admin the first one can step down');
  t.strictSame(rolesOf(simulator, 'my_group_id', 'demo_admin'), []);
  const leave = await call(simulator, 'DELETE', '/groups/my_group_id/relationships/users/user_1', { key: KEYS.admin });
  t.equal(leave.status, 403, 'demo_admin is no longer an administrator');
});

t.test('writes need a group administrator', async (t) => {
  const simulator = startSimulator();
  const before = snapshot(simulator);
  const writes: Array<['POST' | 'DELETE' | 'PATCH', string, unknown]> = [
    ['POST', '/groups/my_group_id/relationships/users', users('new_user@example.com')],
    ['POST', '/groups/my_group_id/relationships/administrators', users('user_2@example.com')],
    ['DELETE', '/groups/my_group_id/relationships/users/user_1', undefined],
    ['DELETE', '/groups/my_group_id/relationships/administrators/demo_admin', undefined],
    ['PATCH', '/groups/my_group_id/relationships/users', { data: [{ type: 'user', id: 'user_2', context_attributes: { roles: ['USER_ROLE_GROUP_ADMIN'] } }] }],
  ];
  for (const [method, path, body] of writes) {
    for (const key of [KEYS.member, KEYS.otherAdmin]) {
      const result = await call(simulator, method, path, { key, body });
      t.equal(result.status, 403, `${method} ${path}`);
      t.match(result.json, { error: { code: 'ForbiddenError', message: 'You are not authorized to perform the requested operation' } });
    }
    t.equal((await call(simulator, method, path.replace('my_group_id', 'nope'), { key: KEYS.admin, body })).status, 404);
    t.equal((await call(simulator, method, path, { body })).status, 401);
  }
  t.equal(snapshot(simulator), before);
});

t.test('check endpoints answer true, false or 404', async (t) => {
  const simulator = startSimulator();
  const check = (path: string, key: string = KEYS.member) => call(simulator, 'GET', `/groups/my_group_id/relationships/${path}`, { key });
  const expectations: Array<[string, number, unknown]> = [
    ['users/user_1', 200, { data: true }],
    ['users/demo_admin', 200, { data: true }],
    ['users/new_user', 200, { data: false }],
    ['users/other_admin', 200, { data: false }],
    ['administrators/demo_admin', 200, { data: true }],
    ['administrators/user_1', 200, { data: false }],
    ['administrators/other_admin', 200, { data: false }],
  ];
  for (const [path, status, body] of expectations) {
    const result = await check(path);
    t.equal(result.status, status, path);
    t.strictSame(result.json, body, path);
  }
  for (const path of ['users/ghost', 'administrators/ghost']) {
    const result = await check(path);
    t.equal(result.status, 404, path);
    t.match(result.json, { error: { code: 'NotFoundError' } });
  }
  t.equal((await check('users/user_1', KEYS.otherAdmin)).status, 403, 'non-members may not check');
  t.equal((await call(simulator, 'GET', '/groups/nope/relationships/users/user_1', { key: KEYS.admin })).status, 404);
});
