import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { ADMIN_TOKEN } from '../helpers/gateway.js';
import { pythonWithRequests } from '../helpers/python.js';
import { startStack, type Stack } from '../helpers/stack.js';

const run = promisify(execFile);
const scripts = fileURLToPath(new URL('./python/', import.meta.url));
const python = pythonWithRequests();
const G = 'my_group_id';
const TP = '332e02da667746f180a9740e94a3ec98';

async function runSeed(stack: Stack, script: string): Promise<{ status: number; body: string }> {
  const { stdout } = await run(python, [script], {
    cwd: scripts,
    env: { ...process.env, GATEWAY_URL: stack.url, GATEWAY_TOKEN: ADMIN_TOKEN },
  });
  const [status, ...body] = stdout.trim().split(' ');
  return { status: Number(status), body: body.join(' ') };
}

const rolesOf = (stack: Stack, user: string) => stack.sim.state.groups.get(G)?.members.get(user)?.roles ?? [];
const profile = (stack: Stack) => stack.sim.state.threatProfiles.get(TP);
const holds = (list: { type: string; id: string }[] | undefined, type: string, id: string) =>
  (list ?? []).some((p) => p.type === type && p.id === id);

t.test("seeds/000: lower the user's daily API cap to 10", async (t) => {
  const stack = await startStack(t);
  t.not(stack.sim.state.users.get('user_1')?.quotas.api_requests_daily?.allowed, 10);
  t.equal((await runSeed(stack, 'seed000_lower_daily_cap.py')).status, 200);
  t.equal(stack.sim.state.users.get('user_1')?.quotas.api_requests_daily?.allowed, 10);
});

t.test('seeds/000: clear individual settings and make user_1 and user_2 group admins', async (t) => {
  const stack = await startStack(t);
  stack.sim.state.groups.get(G)?.members.set('user_1', { roles: ['USER_ROLE_PRIVATE_SCANNING'] });
  t.equal((await runSeed(stack, 'seed000_grant_admin_clear_settings.py')).status, 200);
  t.same(rolesOf(stack, 'user_1'), ['USER_ROLE_GROUP_ADMIN'], 'user_1: only admin, private scanning cleared');
  t.same(rolesOf(stack, 'user_2'), ['USER_ROLE_GROUP_ADMIN']);
});

t.test('seeds/000: grant, then revoke, Private Scanning', async (t) => {
  const stack = await startStack(t);
  t.notOk(rolesOf(stack, 'user_1').includes('USER_ROLE_PRIVATE_SCANNING'));
  t.equal((await runSeed(stack, 'seed000_grant_private_scanning.py')).status, 200);
  t.ok(rolesOf(stack, 'user_1').includes('USER_ROLE_PRIVATE_SCANNING'), 'granted');
  t.equal((await runSeed(stack, 'seed000_revoke_private_scanning.py')).status, 200);
  t.notOk(rolesOf(stack, 'user_1').includes('USER_ROLE_PRIVATE_SCANNING'), 'revoked');
});

t.test('seeds/001: remove editors user1 and user2, then groups group1 and group2', async (t) => {
  const stack = await startStack(t);
  for (const [type, id] of [['user', 'user1'], ['user', 'user2'], ['group', 'group1'], ['group', 'group2']] as const) {
    t.ok(holds(profile(stack)?.editors, type, id), `${id} is an editor before`);
  }
  t.equal((await runSeed(stack, 'seed001_remove_editors_users.py')).status, 200);
  t.notOk(holds(profile(stack)?.editors, 'user', 'user1'));
  t.notOk(holds(profile(stack)?.editors, 'user', 'user2'));
  t.ok(holds(profile(stack)?.editors, 'group', 'group1'), 'groups untouched so far');
  t.equal((await runSeed(stack, 'seed001_remove_editors_groups.py')).status, 200);
  t.notOk(holds(profile(stack)?.editors, 'group', 'group1'));
  t.notOk(holds(profile(stack)?.editors, 'group', 'group2'));
});

t.test('seeds/001: remove viewers user1 and group1', async (t) => {
  const stack = await startStack(t);
  const grant = await fetch(`${stack.url}/v1/threat_profiles/${TP}/relationships/viewers`, {
    method: 'POST',
    headers: { ...stack.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ data: [{ type: 'user', id: 'user1' }, { type: 'group', id: 'group1' }] }),
  });
  t.equal(grant.status, 200, 'user1 and group1 made viewers first');
  t.ok(holds(profile(stack)?.viewers, 'user', 'user1'));
  t.equal((await runSeed(stack, 'seed001_remove_viewers.py')).status, 200);
  t.notOk(holds(profile(stack)?.viewers, 'user', 'user1'));
  t.notOk(holds(profile(stack)?.viewers, 'group', 'group1'));
});
