import { createHash } from 'node:crypto';
import t from 'tap';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import type { TestClient } from '../helpers/gateway.js';
import { callTool, startMcpStack } from './fixtures/mcp-stack.js';

const G = 'my_group_id';
const reader: TestClient = { id: 'svc-reader', token: 'vtgw_mcp-reader-token-000000000000000000000000', scopes: ['groups:read'] };
const addBody = { data: [{ type: 'user', id: 'new_user@example.com' }] };

t.test('one audit line per tool call, channel mcp, with what became of it', async (t) => {
  const stack = await startMcpStack(t, { clients: [reader] });
  const admin = await stack.connect();
  const asReader = await stack.connect(reader.token);
  await admin.listTools();
  await asReader.listTools();

  const calls = [
    { client: admin, tool: 'get-group-users', args: { id: G, limit: 2 }, expect: ['getGroupUsers', 'GET', `/v1/groups/${G}/relationships/users`, 'ok', 200, 200, null] },
    { client: admin, tool: 'add-users-group', args: { id: G, body: addBody }, expect: ['updateGroupUsers', 'POST', `/v1/groups/${G}/relationships/users`, 'ok', 200, 200, null] },
    { client: asReader, tool: 'remove-user-group', args: { id: G, user_id: 'new_user' }, expect: ['deleteUserFromGroup', 'DELETE', `/v1/groups/${G}/relationships/users/new_user`, 'denied', 403, null, 'ForbiddenError'] },
    { client: admin, tool: 'get-group-object', args: { id: 'bad id' }, expect: ['groups', 'GET', '/v1/groups/bad%20id', 'invalid', 400, null, 'InvalidArgumentError'] },
    { client: admin, tool: 'get-group-object', args: { id: 'other_group' }, expect: ['groups', 'GET', '/v1/groups/other_group', 'upstream_error', 403, 403, null] },
    { client: admin, tool: 'no-such-tool', args: {}, expect: [null, 'POST', '/mcp', 'invalid', 404, null, 'NotFoundError'] },
  ] as const;
  for (const call of calls) await callTool(call.client, call.tool, call.args);

  const all = stack.auditLines();
  t.same(
    all.filter((l) => l.outcome === 'intent').map((l) => l.operation),
    ['updateGroupUsers'],
    'the one write sent to VirusTotal has its intent on the record first',
  );
  const lines = all.filter((l) => l.outcome !== 'intent');
  t.equal(lines.length, calls.length, 'exactly one outcome line per tool call; initialize and tools/list are not tool calls');
  t.same(
    lines.map((l) => [l.operation, l.method, l.path, l.outcome, l.status, l.upstreamStatus, l.errorCode]),
    calls.map((c) => c.expect),
  );
  for (const [i, line] of lines.entries()) {
    t.equal(line.channel, 'mcp');
    t.equal(line.clientIp, '127.0.0.1');
    t.match(line.requestId, /^[A-Za-z0-9._-]+:1$/, 'a fresh id per tool call, derived from the HTTP request id');
    t.equal(line.clientId, calls[i]?.client === asReader ? 'svc-reader' : 'test-admin');
    t.type(line.durationMs, 'number');
  }
  t.equal(new Set(lines.map((l) => l.requestId)).size, lines.length, 'request ids are unique');

  const [read, write, denied] = lines;
  t.same(read?.targets, { group: G });
  t.equal(read?.bodySha256, undefined, 'reads carry no body hash');
  t.type(read?.upstreamMs, 'number');
  t.same(write?.change, { addUsers: ['new_user@example.com'] });
  t.equal(write?.bodySha256, createHash('sha256').update(JSON.stringify(addBody)).digest('hex'), 'the same body hash REST would write');
  t.same(denied?.targets, { group: G, user: 'new_user' });
  t.equal(denied?.upstreamMs, null);

  t.equal(verifyAuditFiles([stack.auditPath]).ok, true, 'the hash chain holds');
});

t.test('no answer leaves unless its audit line was written; the failure is counted and seen by readiness', async (t) => {
  const stack = await startMcpStack(t, { auditLogPath: '/dev/full' });
  const client = await stack.connect();
  t.same(await stack.core.readiness(), {}, 'ready before any write failed');
  const result = await callTool(client, 'get-group-object', { id: G });
  t.equal(result.isError, true);
  t.match(result.structuredContent, { error: { code: 'TransientError', message: /audit log could not be written/ } });
  t.notOk(JSON.stringify(result).includes('Example Corp'), "VirusTotal's answer is withheld");
  t.equal((await stack.core.metrics.auditWriteFailures.get()).values[0]?.value, 1, 'counted in vtgw_audit_write_failures_total');
  t.match(await stack.core.readiness(), { auditLog: /not writable/ }, '/readyz sees it');
});
