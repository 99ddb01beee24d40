import t from 'tap';
import { asListing, call, KEYS, pathOf, startSimulator } from './fixtures/simulator-client.js';

const DEMO_MEMBERS = ['demo_admin', ...Array.from({ length: 13 }, (_, index) => `user_${index + 1}`)];

t.test('paging through all members with limit=3 following links.next', async (t) => {
  const simulator = startSimulator();
  let path: string | undefined = '/groups/my_group_id/relationships/users?limit=3';
  const seen: string[] = [];
  let pages = 0;
  while (path !== undefined) {
    const result = await call(simulator, 'GET', path, { key: KEYS.admin });
    t.equal(result.status, 200);
    const page = asListing(result);
    pages += 1;
    t.equal(page.meta.count, 14, 'meta.count is the total');
    t.ok(page.data.length <= 3);
    seen.push(...page.data.map((item) => item.id));
    if (page.links.next === undefined) {
      t.notOk('cursor' in page.meta, 'the last page has no cursor');
    } else {
      t.equal(page.links.next, `https://www.virustotal.com/api/v3/groups/my_group_id/relationships/users?cursor=${page.meta.cursor}&limit=3`);
    }
    path = page.links.next === undefined ? undefined : pathOf(page.links.next);
  }
  t.equal(pages, 5);
  t.strictSame(seen, DEMO_MEMBERS);
});

t.test('default limit is 10 and links.self carries it', async (t) => {
  const simulator = startSimulator();
  const first = asListing(await call(simulator, 'GET', '/groups/my_group_id/relationships/users', { key: KEYS.admin }));
  t.equal(first.data.length, 10);
  t.equal(first.links.self, 'https://www.virustotal.com/api/v3/groups/my_group_id/relationships/users?limit=10');
  t.type(first.meta.cursor, 'string');
  t.ok(first.links.next);
  const second = asListing(await call(simulator, 'GET', pathOf(first.links.next ?? ''), { key: KEYS.admin }));
  t.equal(second.data.length, 4);
  t.equal(second.links.self, first.links.next, 'a page\'s self link is the link that led to it');
  t.strictSame(Object.keys(second.links), ['self']);
  t.strictSame(second.meta, { count: 14 });
});

t.test('a page that ends exactly at the last item is the last page', async (t) => {
  const simulator = startSimulator();
  const first = asListing(await call(simulator, 'GET', '/groups/my_group_id/users?limit=7', { key: KEYS.admin }));
  t.equal(first.data.length, 7);
  const second = asListing(await call(simulator, 'GET', pathOf(first.links.next ?? ''), { key: KEYS.admin }));
  t.equal(second.data.length, 7);
  t.strictSame(second.meta, { count: 14 });
  t.notOk('next' in second.links);
  const single = asListing(await call(simulator, 'GET', '/groups/my_group_id/administrators?limit=1', { key: KEYS.admin }));
  t.equal(single.data.length, 1);
  t.strictSame(single.meta, { count: 1 });
});

t.test('member descriptors carry roles, and the daily allowance when the viewer may see quotas', async (t) => {
  const simulator = startSimulator();
  const asAdmin = asListing(await call(simulator, 'GET', '/groups/my_group_id/relationships/users?limit=3', { key: KEYS.admin }));
  t.strictSame(asAdmin.data, [
    { type: 'user', id: 'demo_admin', context_attributes: { roles: ['USER_ROLE_GROUP_ADMIN'], quota_limits: { api_requests_daily: { allowed: 5000 } } } },
    { type: 'user', id: 'user_1', context_attributes: { roles: [], quota_limits: { api_requests_daily: { allowed: 1000 } } } },
    { type: 'user', id: 'user_2', context_attributes: { roles: ['USER_ROLE_PRIVATE_SCANNING'], quota_limits: { api_requests_daily: { allowed: 1000 } } } },
  ]);
  const asMember = asListing(await call(simulator, 'GET', '/groups/my_group_id/relationships/users?limit=3', { key: KEYS.member }));
  t.strictSame(asMember.data[0], { type: 'user', id: 'demo_admin', context_attributes: { roles: ['USER_ROLE_GROUP_ADMIN'] } });
  t.match(asMember.data[2], { id: 'user_2', context_attributes: { quota_limits: { api_requests_daily: { allowed: 1000 } } } }, 'a user sees their own allowance');
});

t.test('full user objects follow the user-object visibility rules', async (t) => {
  const simulator = startSimulator();
  const asAdmin = asListing(await call(simulator, 'GET', '/groups/my_group_id/users?limit=2', { key: KEYS.admin }));
  t.equal(asAdmin.links.self, 'https://www.virustotal.com/api/v3/groups/my_group_id/users?limit=2');
  t.match(asAdmin.data[1], {
    type: 'user',
    id: 'user_1',
    links: { self: 'https://www.virustotal.com/api/v3/users/user_1' },
    attributes: { first_name: String, email: 'user_1@example.com', last_login: Number, quotas: { api_requests_daily: { allowed: 1000 } } },
  });

  const asMember = asListing(await call(simulator, 'GET', '/groups/my_group_id/users?limit=3', { key: KEYS.member }));
  t.strictSame(Object.keys(asMember.data[1]?.attributes ?? {}).sort(), [
    'first_name',
    'last_name',
    'profile_phrase',
    'reputation',
    'status',
    'user_since',
  ]);
  t.match(asMember.data[2], { id: 'user_2', attributes: { email: 'user_2@example.com' } }, 'users see their own email');
});

t.test('administrators listings', async (t) => {
  const simulator = startSimulator();
  const descriptors = asListing(await call(simulator, 'GET', '/groups/my_group_id/relationships/administrators', { key: KEYS.member }));
  t.strictSame(descriptors.data.map((item) => item.id), ['demo_admin']);
  t.equal(descriptors.meta.count, 1);
  t.equal(descriptors.links.self, 'https://www.virustotal.com/api/v3/groups/my_group_id/relationships/administrators?limit=10');
  const objects = asListing(await call(simulator, 'GET', '/groups/my_group_id/administrators', { key: KEYS.member }));
  t.match(objects.data, [{ type: 'user', id: 'demo_admin', attributes: { first_name: 'Demo' } }]);
});

t.test('graphs and service_accounts', async (t) => {
  const simulator = startSimulator();
  const graphs = asListing(await call(simulator, 'GET', '/groups/my_group_id/relationships/graphs', { key: KEYS.member }));
  t.equal(graphs.meta.count, 2);
  for (const graph of graphs.data) {
    t.strictSame(Object.keys(graph), ['type', 'id']);
    t.equal(graph.type, 'graph');
    t.match(graph.id, /^g[0-9a-f]{64}$/);
  }
  const graphObjects = asListing(await call(simulator, 'GET', '/groups/my_group_id/graphs', { key: KEYS.member }));
  t.match(graphObjects.data[0], { type: 'graph', links: { self: /\/api\/v3\/graphs\/g/ }, attributes: { name: String } });

  const accounts = asListing(await call(simulator, 'GET', '/groups/my_group_id/relationships/service_accounts', { key: KEYS.member }));
  t.strictSame(accounts.data, [{ type: 'service_account', id: 'my_group_id_vt_enrichment' }], 'ids are <group>_<service account>');
  const accountObjects = asListing(await call(simulator, 'GET', '/groups/my_group_id/service_accounts', { key: KEYS.member }));
  t.match(accountObjects.data, [{ type: 'service_account', id: 'my_group_id_vt_enrichment', attributes: { email: String, status: 'active' } }]);
  t.notOk('apikey' in (accountObjects.data[0]?.attributes ?? {}), 'a plain member does not see the apikey');

  const empty = asListing(await call(startSimulator(), 'GET', '/groups/other_group/graphs', { key: KEYS.otherAdmin }));
  t.strictSame(empty, {
    data: [],
    meta: { count: 0 },
    links: { self: 'https://www.virustotal.com/api/v3/groups/other_group/graphs?limit=10' },
  });
});

t.test('a member whose user record is gone is listed as an error item in full-object listings', async (t) => {
  const simulator = startSimulator();
  simulator.state.users.delete('user_1');
  const objects = asListing(await call(simulator, 'GET', '/groups/my_group_id/users?limit=2', { key: KEYS.admin }));
  t.strictSame(objects.data[1], { type: 'user', id: 'user_1', error: { code: 'NotFoundError', message: 'user "user_1" not found' } });
  const descriptors = asListing(await call(simulator, 'GET', '/groups/my_group_id/relationships/users?limit=2', { key: KEYS.admin }));
  t.strictSame(descriptors.data[1], { type: 'user', id: 'user_1', context_attributes: { roles: [] } });
});

t.test('listing errors', async (t) => {
  const simulator = startSimulator();
  const get = (path: string, key: string = KEYS.admin) => call(simulator, 'GET', path, { key });

  for (const limit of ['41', '1000']) {
    const result = await get(`/groups/my_group_id/relationships/users?limit=${limit}`);
    t.equal(result.status, 400, `limit=${limit}`);
    t.same(result.json, { error: { code: 'BadRequestError', message: "Limit can't be larger than 40" } }, 'as VirusTotal answers it');
  }
  for (const limit of ['0', 'abc', '-1', '2.5', '']) {
    const result = await get(`/groups/my_group_id/relationships/users?limit=${limit}`);
    t.equal(result.status, 400, `limit=${limit}`);
    t.match(result.json, { error: { code: 'InvalidArgumentError' } });
  }
  t.equal((await get('/groups/my_group_id/relationships/users?limit=40')).status, 200);
  t.equal((await get('/groups/my_group_id/relationships/users?limit=1&limit=2')).status, 400);

  for (const cursor of ['garbage!', 'YWJj', 'MDA', '']) {
    const result = await get(`/groups/my_group_id/relationships/users?cursor=${cursor}`);
    t.equal(result.status, 400, `cursor=${cursor}`);
    t.match(result.json, { error: { code: 'InvalidArgumentError', message: /cursor/ } });
  }
  const beyond = asListing(await get(`/groups/my_group_id/users?cursor=${Buffer.from('100').toString('base64url')}`));
  t.strictSame(beyond.data, [], 'a cursor past the end gives an empty last page');
  t.equal(beyond.meta.count, 14);

  for (const path of ['/groups/my_group_id/relationships/members', '/groups/my_group_id/members', '/groups/my_group_id/relationships']) {
    const result = await get(path);
    t.equal(result.status, 404, path);
    t.match(result.json, { error: { code: 'NotFoundError', message: /Relationship/ } });
  }

  t.equal((await get('/groups/my_group_id/relationships/users', KEYS.otherAdmin)).status, 403);
  t.equal((await get('/groups/my_group_id/users', KEYS.otherAdmin)).status, 403);
  t.equal((await get('/groups/nope/relationships/users')).status, 404);
  t.equal((await call(simulator, 'GET', '/groups/my_group_id/users')).status, 401);
});
