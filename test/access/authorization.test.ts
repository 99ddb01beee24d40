import t from 'tap';
import type { Scope } from '../../src/catalog/operation.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { bearer, buildTestGateway, type TestClient } from '../helpers/gateway.js';

const client = (id: string, scopes: Scope[], groups: string[] | 'all' = 'all', threatProfiles: string[] | 'all' = 'all'): TestClient => ({
  id,
  token: `vtgw_${id}-token-000000000000000000000000000000`,
  scopes,
  groups,
  threatProfiles,
});
const reader = client('reader', ['groups:read']);
const writer = client('writer', ['groups:read', 'groups:write']);
const admin = client('admin', ['groups:read', 'groups:write', 'groups:admins']);
const scoped = client('scoped', ['groups:read', 'groups:write', 'threat_profiles:read', 'threat_profiles:write'], ['my_group_id'], ['tp1']);
const tpReader = client('tp-reader', ['threat_profiles:read']);

const users = (context_attributes: object) => ({ data: [{ type: 'user', id: 'user_1', context_attributes }] });
const emails = { data: [{ type: 'user', id: 'user_1@example.com' }] };
const principals = { data: [{ type: 'user', id: 'user1' }] };

type Case = [TestClient, 'GET' | 'POST' | 'PATCH' | 'DELETE', string, object | undefined, number, RegExp?];

const cases: Case[] = [
  [reader, 'GET', '/v1/groups/g', undefined, 200],
  [reader, 'GET', '/v1/groups/g/users', undefined, 200],
  [reader, 'PATCH', '/v1/groups/g', { data: { type: 'group', attributes: { organization: 'x' } } }, 403, /lacks the scope "groups:write"/],
  [reader, 'DELETE', '/v1/groups/g/relationships/users/user_1', undefined, 403, /groups:write/],
  [reader, 'GET', '/v1/threat_profiles/tp1/relationships/editors', undefined, 403, /threat_profiles:read/],
  [writer, 'POST', '/v1/groups/g/relationships/users', emails, 200],
  [writer, 'PATCH', '/v1/groups/g/relationships/users', users({ add_roles: ['USER_ROLE_PRIVATE_SCANNING'] }), 200],
  [writer, 'PATCH', '/v1/groups/g/relationships/users', users({ quota_limits: { api_requests_daily: { allowed: 5 } } }), 200],
  [writer, 'POST', '/v1/groups/g/relationships/administrators', emails, 403, /groups:admins/],
  [writer, 'DELETE', '/v1/groups/g/relationships/administrators/user_1', undefined, 403, /groups:admins/],
  [writer, 'PATCH', '/v1/groups/g/relationships/users', users({ add_roles: ['USER_ROLE_GROUP_ADMIN'] }), 403, /groups:admins/],
  [writer, 'PATCH', '/v1/groups/g/relationships/users', users({ remove_roles: ['USER_ROLE_GROUP_ADMIN'] }), 403, /groups:admins/],
  [writer, 'PATCH', '/v1/groups/g/relationships/users', users({ roles: ['USER_ROLE_PRIVATE_SCANNING'] }), 403, /groups:admins/],
  [writer, 'PATCH', '/v1/groups/g/relationships/users', users({ roles: [] }), 403, /groups:admins/],
  [admin, 'POST', '/v1/groups/g/relationships/administrators', emails, 200],
  [admin, 'PATCH', '/v1/groups/g/relationships/users', users({ roles: ['USER_ROLE_GROUP_ADMIN'] }), 200],
  [admin, 'DELETE', '/v1/groups/g/relationships/administrators/user_1', undefined, 200],
  [scoped, 'GET', '/v1/groups/my_group_id', undefined, 200],
  [scoped, 'GET', '/v1/groups/other_group', undefined, 403, /may not act on group "other_group"/],
  [scoped, 'POST', '/v1/threat_profiles/tp1/relationships/viewers', principals, 200],
  [scoped, 'POST', '/v1/threat_profiles/tp2/relationships/viewers', principals, 403, /threat profile "tp2"/],
  [tpReader, 'GET', '/v1/threat_profiles/tp2/viewers', undefined, 200],
  [tpReader, 'DELETE', '/v1/threat_profiles/tp2/relationships/viewers', principals, 403, /threat_profiles:write/],
];

t.test('scopes and allowlists decide, per operation and input; a denial sends nothing upstream', async (t) => {
  const upstream = await startFakeUpstream((_req, res) => res.end());
  t.teardown(() => upstream.close());
  const { app } = await buildTestGateway(t, { upstream: upstream.baseUrl, clients: [reader, writer, admin, scoped, tpReader] });
  for (const [who, method, url, body, status, message] of cases) {
    const before = upstream.seen.length;
    const res = await app.inject({ method, url, headers: bearer(who.token), ...(body === undefined ? {} : { payload: body }) });
    const label = `${who.id} ${method} ${url} ${body === undefined ? '' : JSON.stringify(body)}`;
    t.equal(res.statusCode, status, label);
    if (status === 403) {
      t.match(res.json(), { error: { code: 'ForbiddenError', message } }, label);
      t.equal(upstream.seen.length, before, `${label}: not sent upstream`);
    } else {
      t.equal(upstream.seen.length, before + 1, `${label}: sent upstream once`);
    }
  }
});
