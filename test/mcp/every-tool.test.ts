import t from 'tap';
import { operations } from '../../src/catalog/operations.js';
import type { Operation } from '../../src/catalog/operation.js';
import type { SimulatorState } from '../../src/simulator/index.js';
import { startStack } from '../helpers/stack.js';
import { callTool, startMcpStack, textOf } from './fixtures/mcp-stack.js';

const G = 'my_group_id';
const TP = '332e02da667746f180a9740e94a3ec98';
const ADMIN_ROLE = 'USER_ROLE_GROUP_ADMIN';
const SCANNING_ROLE = 'USER_ROLE_PRIVATE_SCANNING';
const newUser = { data: [{ type: 'user', id: 'new_user@example.com' }] };
const user2 = { data: [{ type: 'user', id: 'user2' }] };

interface ToolCase {
  tool: string;
  args: Record<string, unknown>;
  /** For writes: false before the call, true after it, read from the simulator's state. */
  done?: (state: SimulatorState) => boolean;
}

const rolesOf = (state: SimulatorState, user: string) => state.groups.get(G)?.members.get(user)?.roles ?? [];

/** Every tool once, reads on the seed first, then writes in an order where each one can succeed. */
const cases: ToolCase[] = [
  { tool: 'get-group-object', args: { id: G } },
  { tool: 'get-administrators-group', args: { id: G } },
  { tool: 'check-if-user-is-group', args: { id: G, user_id: 'demo_admin' } },
  { tool: 'get-group-users', args: { id: G, limit: 3 } },
  { tool: 'check-if-user-is-group-2', args: { id: G, user_id: 'user_1' } },
  { tool: 'get-object-descriptors-related-group', args: { id: G, relationship: 'graphs' } },
  { tool: 'get-objects-related-group', args: { id: G, relationship: 'users', limit: 2 } },
  { tool: 'list-threat-profiles', args: { limit: 5, filter: 'name:demo' } },
  { tool: 'get-threat-profile', args: { id: TP, relationships: 'editors,viewers' } },
  { tool: 'get-object-descriptors-related-threat-profile', args: { id: TP, relationship: 'editors' } },
  { tool: 'get-objects-related-threat-profile', args: { id: TP, relationship: 'viewers' } },
  { tool: 'list-group-service-account-descriptors', args: { id: G } },
  { tool: 'list-group-service-accounts', args: { id: G, limit: 5 } },
  { tool: 'get-service-account', args: { id: `${G}_vt_enrichment` } },
  { tool: 'get-group-api-usage', args: { id: G, start_date: '20261101', end_date: '20261130' } },
  { tool: 'get-user-object', args: { id: 'user_2' } },
  { tool: 'get-user-overall-quotas', args: { id: 'user_2' } },
  { tool: 'get-user-api-usage', args: { id: 'user_2', start_date: '20261101', end_date: '20261130' } },
  { tool: 'get-object-descriptors-related-user', args: { id: 'demo_admin', relationship: 'groups_managed' } },
  { tool: 'get-objects-related-user', args: { id: 'user_2', relationship: 'api_quota_group' } },
  {
    tool: 'create-group-service-accounts',
    args: { id: G, body: { data: [{ type: 'service_account', id: 'soar' }] } },
    done: (s) => s.groups.get(G)?.service_accounts.some((a) => a.id === `${G}_soar`) === true,
  },
  {
    tool: 'set-user-daily-allowance',
    args: { id: 'user_1', body: { data: { type: 'user', attributes: { quotas: { api_requests_daily: { allowed: 42 } } } } } },
    done: (s) => s.users.get('user_1')?.quotas.api_requests_daily?.allowed === 42,
  },
  { tool: 'add-users-group', args: { id: G, body: newUser }, done: (s) => s.groups.get(G)?.members.has('new_user') === true },
  {
    tool: 'grant-group-admin-permissions-list',
    args: { id: G, body: newUser },
    done: (s) => rolesOf(s, 'new_user').includes(ADMIN_ROLE),
  },
  {
    tool: 'manage-group-users-roles-allowance',
    args: {
      id: G,
      body: { data: [{ type: 'user', id: 'new_user', context_attributes: { add_roles: [SCANNING_ROLE], quota_limits: { api_requests_daily: { allowed: 10 } } } }] },
    },
    done: (s) => rolesOf(s, 'new_user').includes(SCANNING_ROLE) && s.users.get('new_user')?.quotas.api_requests_daily?.allowed === 10,
  },
  {
    tool: 'revoke-group-admin-permissions-user',
    args: { id: G, user_id: 'new_user' },
    done: (s) => !rolesOf(s, 'new_user').includes(ADMIN_ROLE),
  },
  {
    tool: 'update-group-object',
    args: { id: G, body: { data: { type: 'group', attributes: { auto_add_users: ['*@example.org'] } } } },
    done: (s) => JSON.stringify(s.groups.get(G)?.attributes.auto_add_users) === '["*@example.org"]',
  },
  { tool: 'remove-user-group', args: { id: G, user_id: 'new_user' }, done: (s) => s.groups.get(G)?.members.has('new_user') === false },
  {
    tool: 'add-threat-profile-relationships',
    args: { id: TP, relationship: 'viewers', body: user2 },
    done: (s) => s.threatProfiles.get(TP)?.viewers.some((p) => p.id === 'user2') === true,
  },
  {
    tool: 'delete-threat-profile-relationships',
    args: { id: TP, relationship: 'viewers', body: user2 },
    done: (s) => s.threatProfiles.get(TP)?.viewers.some((p) => p.id === 'user2') === false,
  },
];

function restCall(op: Operation, args: Record<string, unknown>): { path: string; body: unknown } {
  const path = op.path.replace(/\{([a-z_]+)\}/g, (_, name: string) => encodeURIComponent(String(args[name])));
  const query = new URLSearchParams();
  for (const name of Object.keys(op.query?.properties ?? {})) if (args[name] !== undefined) query.set(name, String(args[name]));
  const qs = query.toString();
  return { path: qs === '' ? path : `${path}?${qs}`, body: args.body };
}

t.test('every tool against the simulator answers what REST answers for the same operation', async (t) => {
  t.same(
    cases.map((c) => c.tool).sort(),
    operations.map((op) => op.tool.name).sort(),
    'the cases cover every catalog operation once',
  );
  const mcp = await startMcpStack(t);
  const rest = await startStack(t);
  const client = await mcp.connect();

  for (const c of cases) {
    const op = operations.find((o) => o.tool.name === c.tool);
    if (op === undefined) throw new Error(`no operation for ${c.tool}`);
    if (c.done !== undefined) t.notOk(c.done(mcp.sim.state), `${c.tool}: not done before the call`);

    const upstreamCalls = mcp.sim.requestCount();
    const result = await callTool(client, c.tool, c.args);
    t.equal(mcp.sim.requestCount() - upstreamCalls, 1, `${c.tool}: one VirusTotal call`);

    const { path, body } = restCall(op, c.args);
    const res = await fetch(rest.url + path, {
      method: op.method,
      headers: { ...rest.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const restText = await res.text();
    t.equal(res.status, 200, `${c.tool}: REST succeeds (${restText.slice(0, 200)})`);

    t.notOk(result.isError, `${c.tool}: not an error`);
    if (restText === '') {
      t.equal(textOf(result), 'VirusTotal answered 200 with an empty body: done.', `${c.tool}: empty body reported as done`);
      t.equal(result.structuredContent, undefined);
    } else {
      t.equal(textOf(result), restText, `${c.tool}: the same bytes as REST`);
      t.same(result.structuredContent, JSON.parse(restText), `${c.tool}: structuredContent is the JSON object`);
    }
    if (c.done !== undefined) t.ok(c.done(mcp.sim.state), `${c.tool}: done in VirusTotal's state`);
  }

  t.same(mcp.sim.state, rest.sim.state, 'the same calls left both simulators in the same state');
});
