import t from 'tap';
import { call, KEYS, rolesOf, snapshot, startSimulator } from './fixtures/simulator-client.js';

const URL = '/groups/my_group_id/relationships/users';
const dailyAllowance = (simulator: ReturnType<typeof startSimulator>, username: string) =>
  simulator.state.users.get(username)?.quotas['api_requests_daily']?.allowed;

// The four payloads of the VirusTotal docs' "manage users' roles" page (seeds/000), verbatim.
t.test('docs example: lower the user\'s daily API cap to 10', async (t) => {
  const simulator = startSimulator();
  const group_id = 'my_group_id';
  const user_id = 'user_1';
  const allowance = 10;
  const payload = {
    data: [
      {
        type: 'user',
        id: user_id,
        context_attributes: {
          quota_limits: {
            api_requests_daily: {
              allowed: allowance,
            },
          },
        },
      },
    ],
  };
  const result = await call(simulator, 'PATCH', `/groups/${group_id}/relationships/users`, {
    key: KEYS.admin,
    body: payload,
    headers: { accept: 'application/json' },
  });
  t.equal(result.status, 200);
  t.equal(result.text, '');
  t.equal(dailyAllowance(simulator, 'user_1'), 10);
  t.equal(simulator.state.users.get('user_1')?.quotas['api_requests_daily']?.used, 0, 'usage is kept');
  t.strictSame(rolesOf(simulator, 'my_group_id', 'user_1'), [], 'roles untouched');
});

t.test('docs example: clear all settings and make user_1 and user_2 administrators', async (t) => {
  const simulator = startSimulator();
  const user_id_1 = 'user_1';
  const user_id_2 = 'user_2';
  const roles = ['USER_ROLE_GROUP_ADMIN'];
  const payload = {
    data: [
      { type: 'user', id: user_id_1, context_attributes: { roles: roles } },
      { type: 'user', id: user_id_2, context_attributes: { roles: roles } },
    ],
  };
  const result = await call(simulator, 'PATCH', URL, { key: KEYS.admin, body: payload });
  t.equal(result.status, 200);
  t.strictSame(rolesOf(simulator, 'my_group_id', 'user_1'), ['USER_ROLE_GROUP_ADMIN']);
  t.strictSame(rolesOf(simulator, 'my_group_id', 'user_2'), ['USER_ROLE_GROUP_ADMIN'], 'private scanning was cleared');
  const admins = await call(simulator, 'GET', '/groups/my_group_id/relationships/administrators', { key: KEYS.admin });
  t.match(admins.json, { data: [{ id: 'demo_admin' }, { id: 'user_1' }, { id: 'user_2' }], meta: { count: 3 } });
});

t.test('docs examples: grant, then revoke Private Scanning', async (t) => {
  const simulator = startSimulator();
  const user_id = 'user_1';
  const roles = ['USER_ROLE_PRIVATE_SCANNING'];
  const grant = { data: [{ type: 'user', id: user_id, context_attributes: { add_roles: roles } }] };
  t.equal((await call(simulator, 'PATCH', URL, { key: KEYS.admin, body: grant })).status, 200);
  t.strictSame(rolesOf(simulator, 'my_group_id', 'user_1'), ['USER_ROLE_PRIVATE_SCANNING']);
  t.equal((await call(simulator, 'PATCH', URL, { key: KEYS.admin, body: grant })).status, 200, 'adding again');
  t.strictSame(rolesOf(simulator, 'my_group_id', 'user_1'), ['USER_ROLE_PRIVATE_SCANNING'], 'no duplicate');

  const revoke = { data: [{ type: 'user', id: user_id, context_attributes: { remove_roles: roles } }] };
  t.equal((await call(simulator, 'PATCH', URL, { key: KEYS.admin, body: revoke })).status, 200);
  t.strictSame(rolesOf(simulator, 'my_group_id', 'user_1'), []);
});

t.test('add_roles keeps existing roles; remove_roles removes only the listed ones', async (t) => {
  const simulator = startSimulator();
  await call(simulator, 'PATCH', URL, {
    key: KEYS.admin,
    body: { data: [{ type: 'user', id: 'user_2', context_attributes: { add_roles: ['USER_ROLE_GROUP_ADMIN'] } }] },
  });
  t.strictSame(rolesOf(simulator, 'my_group_id', 'user_2'), ['USER_ROLE_PRIVATE_SCANNING', 'USER_ROLE_GROUP_ADMIN']);
  await call(simulator, 'PATCH', URL, {
    key: KEYS.admin,
    body: { data: [{ type: 'user', id: 'user_2', context_attributes: { remove_roles: ['USER_ROLE_PRIVATE_SCANNING'] } }] },
  });
  t.strictSame(rolesOf(simulator, 'my_group_id', 'user_2'), ['USER_ROLE_GROUP_ADMIN']);
});

t.test('roles and quota in one entry; the descriptor listing reflects both', async (t) => {
  const simulator = startSimulator();
  const result = await call(simulator, 'PATCH', URL, {
    key: KEYS.admin,
    body: {
      data: [
        {
          type: 'user',
          id: 'user_3',
          context_attributes: { roles: ['USER_ROLE_PRIVATE_SCANNING'], quota_limits: { api_requests_daily: { allowed: 0 } } },
        },
      ],
    },
  });
  t.equal(result.status, 200);
  const listing = await call(simulator, 'GET', '/groups/my_group_id/relationships/users?limit=4', { key: KEYS.admin });
  t.match(listing.json, {
    data: [{}, {}, {}, { id: 'user_3', context_attributes: { roles: ['USER_ROLE_PRIVATE_SCANNING'], quota_limits: { api_requests_daily: { allowed: 0 } } } }],
  });
});

t.test('a user without a daily quota gets one', async (t) => {
  const simulator = startSimulator();
  const quotas = simulator.state.users.get('user_4')?.quotas;
  delete quotas?.['api_requests_daily'];
  await call(simulator, 'PATCH', URL, {
    key: KEYS.admin,
    body: { data: [{ type: 'user', id: 'user_4', context_attributes: { quota_limits: { api_requests_daily: { allowed: 7 } } } }] },
  });
  t.strictSame(simulator.state.users.get('user_4')?.quotas['api_requests_daily'], { allowed: 7, used: 0 });
});

t.test('the PATCH is all-or-nothing', async (t) => {
  const simulator = startSimulator();
  const before = snapshot(simulator);
  const good = { type: 'user', id: 'user_1', context_attributes: { roles: ['USER_ROLE_GROUP_ADMIN'], quota_limits: { api_requests_daily: { allowed: 1 } } } };
  const cases: Array<[string, unknown, number, string]> = [
    ['an unknown role', { type: 'user', id: 'user_2', context_attributes: { add_roles: ['USER_ROLE_SUPERUSER'] } }, 400, 'InvalidArgumentError'],
    ['a non-member', { type: 'user', id: 'new_user', context_attributes: { roles: [] } }, 400, 'InvalidArgumentError'],
    ['a member of another group', { type: 'user', id: 'other_member', context_attributes: { roles: [] } }, 400, 'InvalidArgumentError'],
    ['an unknown user', { type: 'user', id: 'ghost', context_attributes: { roles: [] } }, 404, 'NotFoundError'],
    ['a negative allowance', { type: 'user', id: 'user_2', context_attributes: { quota_limits: { api_requests_daily: { allowed: -1 } } } }, 400, 'InvalidArgumentError'],
    ['a fractional allowance', { type: 'user', id: 'user_2', context_attributes: { quota_limits: { api_requests_daily: { allowed: 1.5 } } } }, 400, 'InvalidArgumentError'],
    ['another quota', { type: 'user', id: 'user_2', context_attributes: { quota_limits: { api_requests_monthly: { allowed: 1 } } } }, 400, 'InvalidArgumentError'],
    ['quota_limits not an object', { type: 'user', id: 'user_2', context_attributes: { quota_limits: 5 } }, 400, 'BadRequestError'],
    ['roles not a list', { type: 'user', id: 'user_2', context_attributes: { roles: 'USER_ROLE_GROUP_ADMIN' } }, 400, 'BadRequestError'],
    ['an unknown context attribute', { type: 'user', id: 'user_2', context_attributes: { role: 'admin' } }, 400, 'BadRequestError'],
    ['empty context attributes', { type: 'user', id: 'user_2', context_attributes: {} }, 400, 'BadRequestError'],
    ['no context attributes', { type: 'user', id: 'user_2' }, 400, 'BadRequestError'],
    ['an email for id', { type: 'user', id: 'user_2@example.com', context_attributes: { roles: [] } }, 404, 'NotFoundError'],
  ];
  for (const [name, badEntry, status, code] of cases) {
    const result = await call(simulator, 'PATCH', URL, { key: KEYS.admin, body: { data: [good, badEntry] } });
    t.equal(result.status, status, name);
    t.match(result.json, { error: { code, message: String } }, name);
  }
  t.equal(snapshot(simulator), before, 'user_1 got neither the role nor the allowance');
});

t.test('a roles PATCH that would leave no administrator is refused', async (t) => {
  const simulator = startSimulator();
  const before = snapshot(simulator);
  const bodies = [
    { data: [{ type: 'user', id: 'demo_admin', context_attributes: { roles: [] } }] },
    { data: [{ type: 'user', id: 'demo_admin', context_attributes: { remove_roles: ['USER_ROLE_GROUP_ADMIN'] } }] },
    {
      data: [
        { type: 'user', id: 'user_1', context_attributes: { add_roles: ['USER_ROLE_GROUP_ADMIN'] } },
        { type: 'user', id: 'demo_admin', context_attributes: { roles: [] } },
        { type: 'user', id: 'user_1', context_attributes: { roles: ['USER_ROLE_PRIVATE_SCANNING'] } },
      ],
    },
  ];
  for (const body of bodies) {
    const result = await call(simulator, 'PATCH', URL, { key: KEYS.admin, body });
    t.equal(result.status, 400);
    t.match(result.json, { error: { code: 'BadRequestError', message: /without administrators/ } });
  }
  t.equal(snapshot(simulator), before);

  const handOver = await call(simulator, 'PATCH', URL, {
    key: KEYS.admin,
    body: {
      data: [
        { type: 'user', id: 'user_1', context_attributes: { add_roles: ['USER_ROLE_GROUP_ADMIN'] } },
        { type: 'user', id: 'demo_admin', context_attributes: { roles: [] } },
      ],
    },
  });
  t.equal(handOver.status, 200, 'handing over in one batch is allowed');
  t.strictSame(rolesOf(simulator, 'my_group_id', 'demo_admin'), []);
  t.strictSame(rolesOf(simulator, 'my_group_id', 'user_1'), ['USER_ROLE_GROUP_ADMIN']);
});

t.test('the six documented role names are known roles', async (t) => {
  const simulator = startSimulator();
  const roles = [
    'USER_ROLE_PRIVATE_SCANNING',
    'USER_ROLE_FILE_DOWNLOADS',
    'USER_ROLE_FILE_UPLOADS',
    'USER_ROLE_PRIVATE_FILE_UPLOADS',
    'USER_ROLE_PRIVATE_FILE_DOWNLOADS',
  ];
  const result = await call(simulator, 'PATCH', URL, {
    key: KEYS.admin,
    body: { data: [{ type: 'user', id: 'user_3', context_attributes: { add_roles: roles } }] },
  });
  t.equal(result.status, 200, JSON.stringify(result.json));
  t.same([...(rolesOf(simulator, 'my_group_id', 'user_3') ?? [])].sort(), [...roles].sort());
});
