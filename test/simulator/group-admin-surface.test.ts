import t from 'tap';
import { asListing, call, KEYS, startSimulator } from './fixtures/simulator-client.js';

const G = 'my_group_id';
const SA = 'my_group_id_vt_enrichment';

t.test('service accounts: admins see the apikey, members do not; get by id or email', async (t) => {
  const sim = startSimulator();
  const admin = await call(sim, 'GET', `/service_accounts/${SA}`, { key: KEYS.admin });
  t.equal(admin.status, 200);
  t.match(admin.json, { data: { type: 'service_account', id: SA, links: { self: `https://www.virustotal.com/api/v3/service_accounts/${SA}` }, attributes: { apikey: /^[0-9a-f]{64}$/ } } });
  const member = await call(sim, 'GET', `/service_accounts/${SA}`, { key: KEYS.member });
  t.equal(member.status, 200);
  t.notMatch(member.text, /apikey/);
  const byEmail = await call(sim, 'GET', `/service_accounts/${SA}@service-accounts.example`, { key: KEYS.admin });
  t.match(byEmail.json, { data: { id: SA } });
  t.equal((await call(sim, 'GET', `/service_accounts/${SA}`, { key: KEYS.otherAdmin })).status, 403, 'outside the group: 403');
  t.equal((await call(sim, 'GET', '/service_accounts/nope', { key: KEYS.admin })).status, 404);
});

t.test('service accounts: an admin creates them; the answer holds the new objects with their keys', async (t) => {
  const sim = startSimulator();
  const body = { data: [{ type: 'service_account', id: 'soar' }] };
  t.equal((await call(sim, 'POST', `/groups/${G}/relationships/service_accounts`, { key: KEYS.member, body })).status, 403);
  const created = await call(sim, 'POST', `/groups/${G}/relationships/service_accounts`, { key: KEYS.admin, body });
  t.equal(created.status, 200);
  t.match(created.json, { data: [{ type: 'service_account', id: `${G}_soar`, attributes: { apikey: /^[0-9a-f]{64}$/ } }] });
  const again = await call(sim, 'POST', `/groups/${G}/relationships/service_accounts`, { key: KEYS.admin, body });
  t.match(again, { status: 409, json: { error: { code: 'AlreadyExistsError' } } });
  const listed = asListing(await call(sim, 'GET', `/groups/${G}/relationships/service_accounts`, { key: KEYS.admin }));
  t.same(listed.data.map((d) => d.id), [SA, `${G}_soar`]);
});

t.test('group api_usage: admins only, counts calls per day and endpoint, range at most 30 days', async (t) => {
  const sim = startSimulator();
  await call(sim, 'GET', `/groups/${G}`, { key: KEYS.member });
  t.equal((await call(sim, 'GET', `/groups/${G}/api_usage`, { key: KEYS.member })).status, 403);
  const usage = await call(sim, 'GET', `/groups/${G}/api_usage`, { key: KEYS.admin });
  t.equal(usage.status, 200);
  const data = (usage.json as { data: { daily: Record<string, Record<string, number>>; total: Record<string, number> } }).data;
  t.equal(Object.keys(data.daily).length, 30, 'the last 30 days by default');
  t.equal(data.total['/groups/:id'], 1, "the member's call is counted");
  const long = await call(sim, 'GET', `/groups/${G}/api_usage?start_date=20260101&end_date=20260301`, { key: KEYS.admin });
  t.match(long, { status: 400, json: { error: { code: 'BadRequestError' } } });
  const bad = await call(sim, 'GET', `/groups/${G}/api_usage?start_date=20261340`, { key: KEYS.admin });
  t.match(bad, { status: 400, json: { error: { code: 'InvalidArgumentError' } } });
});

t.test('users: object, overall quotas, api usage, relationships, PATCH of the daily allowance', async (t) => {
  const sim = startSimulator();
  t.match((await call(sim, 'GET', '/users/user_2', { key: KEYS.admin })).json, { data: { type: 'user', id: 'user_2', attributes: { email: 'user_2@example.com' } } });
  const quotas = await call(sim, 'GET', '/users/user_2/overall_quotas', { key: KEYS.admin });
  t.match(quotas.json, { data: { api_requests_daily: { user: { allowed: Number, used: Number }, group: { inherited_from: G } } } });
  t.equal((await call(sim, 'GET', '/users/user_2/overall_quotas', { key: KEYS.otherAdmin })).status, 403);
  t.equal((await call(sim, 'GET', '/users/user_2/api_usage', { key: KEYS.member })).status, 200, 'the user themself');
  t.equal((await call(sim, 'GET', '/users/user_2/api_usage', { key: KEYS.otherAdmin })).status, 403);

  t.strictSame(asListing(await call(sim, 'GET', '/users/demo_admin/relationships/groups_managed', { key: KEYS.admin })).data, [{ type: 'group', id: G }]);
  t.strictSame(asListing(await call(sim, 'GET', '/users/user_2/relationships/groups_managed', { key: KEYS.admin })).data, []);
  t.equal((await call(sim, 'GET', '/users/user_2/relationships/groups', { key: KEYS.admin })).status, 403, 'groups: owner only');
  t.match(asListing(await call(sim, 'GET', '/users/user_2/api_quota_group', { key: KEYS.admin })).data, [{ type: 'group', id: G, attributes: { organization: String } }]);
  t.equal((await call(sim, 'GET', '/users/user_2/relationships/quotas', { key: KEYS.admin })).status, 404);

  const body = { data: { type: 'user', attributes: { quotas: { api_requests_daily: { allowed: 77 } } } } };
  t.equal((await call(sim, 'PATCH', '/users/user_2', { key: KEYS.member, body })).status, 403, 'members cannot');
  const patched = await call(sim, 'PATCH', '/users/user_2', { key: KEYS.admin, body });
  t.match(patched, { status: 200, json: { data: { id: 'user_2', attributes: { quotas: { api_requests_daily: { allowed: 77 } } } } } });
  t.equal(sim.state.users.get('user_2')?.quotas['api_requests_daily']?.allowed, 77);
  const other = await call(sim, 'PATCH', '/users/user_2', { key: KEYS.admin, body: { data: { type: 'user', attributes: { first_name: 'X' } } } });
  t.match(other, { status: 400, json: { error: { code: 'BadRequestError' } } });
});
