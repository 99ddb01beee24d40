import t from 'tap';
import { TEST_VT_KEY } from '../helpers/config.js';
import { startStack } from '../helpers/stack.js';

const G = 'my_group_id';
const TP = '332e02da667746f180a9740e94a3ec98';

t.test('every operation through a listening gateway in front of a listening simulator', async (t) => {
  const stack = await startStack(t);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(stack.url + path, {
      method,
      headers: { ...stack.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  const direct = async (path: string) => {
    const res = await fetch(`${stack.url.replace(/:\d+$/, '')}:${String((stack.sim.app.server.address() as { port: number }).port)}/api/v3${path}`, {
      headers: { 'x-apikey': TEST_VT_KEY },
    });
    return { status: res.status, text: await res.text() };
  };

  t.test("reads are byte-identical to what VirusTotal (the simulator) answers, but for its links' address", async (t) => {
    for (const path of [
      `/groups/${G}`,
      `/groups/${G}/relationships/administrators`,
      `/groups/${G}/relationships/users?limit=3`,
      `/groups/${G}/relationships/users/user_1`,
      `/groups/${G}/relationships/administrators/user_1`,
      `/groups/${G}/relationships/graphs`,
      `/groups/${G}/users?limit=2`,
      `/threat_profiles/${TP}/relationships/editors`,
      `/threat_profiles/${TP}/viewers`,
      `/groups/other_group`,
      `/groups/no_such_group`,
    ]) {
      const viaGateway = await call('GET', `/v1${path}`);
      const viaDirect = await direct(path);
      t.equal(viaGateway.status, viaDirect.status, `${path}: status`);
      // Without PUBLIC_BASE_URL a link keeps only its path, under the prefix the caller used.
      t.equal(viaGateway.text, viaDirect.text.replaceAll('https://www.virustotal.com/api/v3/', '/v1/'), `${path}: body bytes`);
    }
  });

  t.test('paging: follow meta.cursor to the end', async (t) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await call('GET', `/v1/groups/${G}/relationships/users?limit=4${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      t.equal(res.status, 200);
      const page = JSON.parse(res.text) as { data: { id: string }[]; meta: { cursor?: string; count: number } };
      seen.push(...page.data.map((d) => d.id));
      cursor = page.meta.cursor;
      pages += 1;
    } while (cursor !== undefined && pages < 20);
    t.ok(pages > 1, 'more than one page');
    t.equal(new Set(seen).size, seen.length, 'no user twice');
    t.equal(seen.length, stack.sim.state.groups.get(G)?.members.size ?? -1, 'every member once');
  });

  t.test('writes change VirusTotal state and answer as VirusTotal does', async (t) => {
    const add = await call('POST', `/v1/groups/${G}/relationships/users`, { data: [{ type: 'user', id: 'new_user@example.com' }] });
    t.same([add.status, add.text], [200, ''], 'add user: empty 200');
    t.same(JSON.parse((await call('GET', `/v1/groups/${G}/relationships/users/new_user`)).text), { data: true });

    const grant = await call('POST', `/v1/groups/${G}/relationships/administrators`, { data: [{ type: 'user', id: 'new_user@example.com' }] });
    t.equal(grant.status, 200, 'grant admin');
    t.same(JSON.parse((await call('GET', `/v1/groups/${G}/relationships/administrators/new_user`)).text), { data: true });

    const revoke = await call('DELETE', `/v1/groups/${G}/relationships/administrators/new_user`);
    t.equal(revoke.status, 200, 'revoke admin');
    t.same(JSON.parse((await call('GET', `/v1/groups/${G}/relationships/administrators/new_user`)).text), { data: false });

    const roles = await call('PATCH', `/v1/groups/${G}/relationships/users`, {
      data: [{ type: 'user', id: 'new_user', context_attributes: { add_roles: ['USER_ROLE_PRIVATE_SCANNING'], quota_limits: { api_requests_daily: { allowed: 10 } } } }],
    });
    t.equal(roles.status, 200, 'roles and allowance');

    const patched = await call('PATCH', `/v1/groups/${G}`, { data: { type: 'group', attributes: { auto_add_users: ['*@example.org'] } } });
    t.equal(patched.status, 200);
    t.same(JSON.parse(patched.text).data.attributes.auto_add_users, ['*@example.org'], 'updated group object returned');

    const remove = await call('DELETE', `/v1/groups/${G}/relationships/users/new_user`);
    t.same([remove.status, remove.text], [200, '']);
    t.same(JSON.parse((await call('GET', `/v1/groups/${G}/relationships/users/new_user`)).text), { data: false });

    const tpAdd = await call('POST', `/v1/threat_profiles/${TP}/relationships/viewers`, { data: [{ type: 'user', id: 'user2' }] });
    t.equal(tpAdd.status, 200, 'threat profile: add viewer');
    const viewers = JSON.parse((await call('GET', `/v1/threat_profiles/${TP}/relationships/viewers`)).text) as { data: { id: string }[] };
    t.ok(viewers.data.some((d) => d.id === 'user2'));
    const tpDel = await call('DELETE', `/v1/threat_profiles/${TP}/relationships/viewers`, { data: [{ type: 'user', id: 'user2' }] });
    t.equal(tpDel.status, 200, 'threat profile: remove viewer');
  });

  t.test("VirusTotal's errors pass through unchanged", async (t) => {
    const username = await call('POST', `/v1/groups/${G}/relationships/users`, { data: [{ type: 'user', id: 'nobody@example.com' }] });
    t.equal(username.status, 404);
    t.equal(JSON.parse(username.text).error.code, 'NotFoundError');
    const forbidden = await call('GET', '/v1/groups/other_group/relationships/users');
    t.equal(forbidden.status, 403);
    t.equal(JSON.parse(forbidden.text).error.code, 'ForbiddenError');
  });
});
