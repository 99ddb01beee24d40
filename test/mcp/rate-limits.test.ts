import t from 'tap';
import type { TestClient } from '../helpers/gateway.js';
import { callTool, startMcpStack, textOf } from './fixtures/mcp-stack.js';

const G = 'my_group_id';
const limited: TestClient = {
  id: 'svc-limited',
  token: 'vtgw_mcp-limited-token-00000000000000000000000',
  rateLimit: { readsPerMinute: 2, writesPerMinute: 1 },
};

t.test("tool calls count against the client's read and write budgets", async (t) => {
  const stack = await startMcpStack(t, { clients: [limited] });
  const client = await stack.connect(limited.token);
  await client.listTools();
  await client.listTools();
  await client.listTools();

  t.notOk((await callTool(client, 'get-group-object', { id: G })).isError, 'read 1');
  t.notOk((await callTool(client, 'get-group-users', { id: G })).isError, 'read 2');
  const third = await callTool(client, 'check-if-user-is-group-2', { id: G, user_id: 'user_1' });
  t.equal(third.isError, true, 'read 3 is over budget');
  t.match(JSON.parse(textOf(third)), { error: { code: 'TooManyRequestsError', message: /svc-limited.*read budget of 2/ } });
  t.equal(stack.sim.requestCount(), 2, 'the refused call never reached VirusTotal');

  const write = await callTool(client, 'add-users-group', { id: G, body: { data: [{ type: 'user', id: 'new_user@example.com' }] } });
  t.notOk(write.isError, 'writes have their own budget');
  const write2 = await callTool(client, 'remove-user-group', { id: G, user_id: 'new_user' });
  t.match(write2.structuredContent, { error: { code: 'TooManyRequestsError', message: /write budget of 1/ } });

  const other = await stack.connect();
  t.notOk((await callTool(other, 'get-group-object', { id: G })).isError, 'another client is not affected');
  t.same(
    stack.auditLines().map((l) => l.outcome),
    ['ok', 'ok', 'limited', 'intent', 'ok', 'limited', 'ok'],
  );
});
