import type { AddressInfo } from 'node:net';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import t, { type Test } from 'tap';
import { TEST_VT_KEY } from '../helpers/config.js';
import type { TestClient } from '../helpers/gateway.js';
import { callTool, startMcpStack, textOf, type McpStack } from './fixtures/mcp-stack.js';

const G = 'my_group_id';
const reader: TestClient = {
  id: 'svc-reader',
  token: 'vtgw_mcp-reader-token-000000000000000000000000',
  scopes: ['groups:read'],
  groups: [G],
};
const writer: TestClient = {
  id: 'svc-writer',
  token: 'vtgw_mcp-writer-token-000000000000000000000000',
  scopes: ['groups:read', 'groups:write'],
};

function vtError(result: CallToolResult): { code: string; message: string } {
  const parsed = JSON.parse(textOf(result)) as { error: { code: string; message: string } };
  return parsed.error;
}

/** Calls the tool and checks it became an isError result in VirusTotal's error shape, VirusTotal untouched. */
async function refused(t: Test, stack: McpStack, client: Awaited<ReturnType<McpStack['connect']>>, tool: string, args: Record<string, unknown>) {
  const before = stack.sim.requestCount();
  const result = await callTool(client, tool, args);
  t.equal(result.isError, true, `${tool}: isError`);
  t.same(result.structuredContent, JSON.parse(textOf(result)), `${tool}: the error also as structuredContent`);
  t.equal(stack.sim.requestCount(), before, `${tool}: VirusTotal was not called`);
  return vtError(result);
}

t.test('denied calls never reach VirusTotal', async (t) => {
  const stack = await startMcpStack(t, { clients: [reader, writer] });
  const asReader = await stack.connect(reader.token);
  const asWriter = await stack.connect(writer.token);

  const scope = await refused(t, stack, asReader, 'add-users-group', { id: G, body: { data: [{ type: 'user', id: 'new_user@example.com' }] } });
  t.equal(scope.code, 'ForbiddenError');
  t.match(scope.message, /lacks the scope "groups:write"/);

  const unlisted = await refused(t, stack, asReader, 'add-users-group', { id: G });
  t.equal(unlisted.code, 'ForbiddenError', 'a tool the client may not use is forbidden before its arguments are looked at');

  const group = await refused(t, stack, asReader, 'get-group-object', { id: 'group1' });
  t.equal(group.code, 'ForbiddenError');
  t.match(group.message, /may not act on group "group1"/);

  const adminRole = await refused(t, stack, asWriter, 'manage-group-users-roles-allowance', {
    id: G,
    body: { data: [{ type: 'user', id: 'user_1', context_attributes: { add_roles: ['USER_ROLE_GROUP_ADMIN'] } }] },
  });
  t.equal(adminRole.code, 'ForbiddenError', 'the extra scope an input calls for is enforced too');
  t.match(adminRole.message, /"groups:admins"/);

  t.notOk(stack.sim.state.groups.get(G)?.members.has('new_user'), 'nothing changed');
  const allowed = await callTool(asReader, 'get-group-object', { id: G });
  t.notOk(allowed.isError, 'the same client may still do what it is allowed to');
});

t.test('invalid arguments are refused with a message naming the argument', async (t) => {
  const stack = await startMcpStack(t);
  const client = await stack.connect();
  const invalid = async (tool: string, args: Record<string, unknown>, names: string | RegExp) => {
    const error = await refused(t, stack, client, tool, args);
    t.equal(error.code, 'InvalidArgumentError', `${tool}: InvalidArgumentError`);
    t.match(error.message, names, `${tool}: ${error.message}`);
  };

  await invalid('get-group-object', { id: '../users/demo_admin' }, /"id": has an invalid value; expected Group ID/);
  await invalid('get-group-object', {}, /"id": is required: Group ID/);
  await invalid('add-users-group', { id: G, body: { data: [{ type: 'user', id: 'new_user' }] } }, /"body\.data\[0\]\.id".*Email address/);
  await invalid('add-users-group', { id: G }, /"body": is required/);
  await invalid('add-users-group', { id: G, body: JSON.stringify({ data: [{ type: 'user', id: 'new_user@example.com' }] }) }, /"body"/);
  await invalid('get-group-users', { id: G, limit: '10' }, /"limit"/);
  await invalid('get-group-object', { id: G, relationships: 'users,api_usage' }, /"relationships"/);
  await invalid('get-group-object', { id: G, foo: 'users' }, /"foo"/);
  await invalid('check-if-user-is-group-2', { id: G, user_id: 'a/b' }, /"user_id"/);
  await invalid(
    'update-group-object',
    { id: G, body: { data: { type: 'group', id: 'other_group', attributes: { country: 'Spain' } } } },
    /data\.id "other_group" must equal the group ID in the path/,
  );
  await invalid(
    'manage-group-users-roles-allowance',
    { id: G, body: { data: [{ type: 'user', id: 'user_1', context_attributes: { roles: [], add_roles: ['USER_ROLE_PRIVATE_SCANNING'] } }] } },
    /data\[0\]\.context_attributes: gateway policy: "roles" replaces all roles/,
  );
  t.equal(stack.sim.requestCount(), 0);

  const unknown = await refused(t, stack, client, 'delete-group', { id: G });
  t.equal(unknown.code, 'NotFoundError');
  t.match(unknown.message, /No tool is named "delete-group"/);
});

t.test("VirusTotal's errors come back as isError with VirusTotal's body", async (t) => {
  const stack = await startMcpStack(t);
  const client = await stack.connect();
  const simPort = (stack.sim.app.server.address() as AddressInfo).port;
  const direct = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${simPort}/api/v3${path}`, { headers: { 'x-apikey': TEST_VT_KEY } });
    return { status: res.status, text: await res.text() };
  };

  for (const [tool, args, path, status, code] of [
    ['get-group-object', { id: 'other_group' }, '/groups/other_group', 403, 'ForbiddenError'],
    ['get-group-object', { id: 'no_such_group' }, '/groups/no_such_group', 404, 'NotFoundError'],
    ['get-group-users', { id: 'other_group' }, '/groups/other_group/relationships/users', 403, 'ForbiddenError'],
  ] as const) {
    const expected = await direct(path);
    t.equal(expected.status, status, `${path}: the simulator answers ${status}`);
    const before = stack.sim.requestCount();
    const result = await callTool(client, tool, args);
    t.equal(stack.sim.requestCount() - before, 1, `${tool}: VirusTotal was asked`);
    t.equal(result.isError, true, `${tool} ${path}: isError`);
    t.equal(textOf(result), expected.text, `${tool} ${path}: VirusTotal's body, unchanged`);
    t.same(result.structuredContent, JSON.parse(expected.text));
    t.equal(vtError(result).code, code);
  }

  const nobody = await callTool(client, 'add-users-group', { id: G, body: { data: [{ type: 'user', id: 'nobody@example.com' }] } });
  t.equal(nobody.isError, true);
  t.equal(vtError(nobody).code, 'NotFoundError', 'a write VirusTotal refuses');
});

t.test('a VirusTotal answer larger than UPSTREAM_MAX_RESPONSE_BYTES is not passed on to a tool caller', async (t) => {
  const stack = await startMcpStack(t, { maxResultBytes: 200 });
  const client = await stack.connect();
  const big = await callTool(client, 'get-group-object', { id: G });
  t.equal(big.isError, true);
  t.match(vtError(big), { code: 'BadGatewayError', message: /exceeded 200 bytes/ });
  const small = await callTool(client, 'check-if-user-is-group-2', { id: G, user_id: 'user_1' });
  t.same(small.structuredContent, { data: true }, 'a small answer still passes');
  t.match(stack.auditLines().map((l) => [l.operation, l.outcome, l.gatewayCode ?? null]), [
    ['groups', 'failed', 'GW_ERR_UPSTREAM_BAD_RESPONSE'],
    ['checkUserInGroup', 'ok', null],
  ]);
});
