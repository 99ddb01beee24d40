import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import t from 'tap';
import { operations } from '../../src/catalog/operations.js';
import type { TestClient } from '../helpers/gateway.js';
import { startMcpStack } from './fixtures/mcp-stack.js';

const reader: TestClient = {
  id: 'svc-reader',
  token: 'vtgw_mcp-reader-token-000000000000000000000000',
  scopes: ['groups:read', 'threat_profiles:read'],
};
const groupWriter: TestClient = {
  id: 'svc-group-writer',
  token: 'vtgw_mcp-group-writer-token-0000000000000000000',
  scopes: ['groups:read', 'groups:write'],
};
const oneGroupReader: TestClient = {
  id: 'svc-one-group-reader',
  token: 'vtgw_mcp-one-group-reader-token-00000000000000',
  scopes: ['groups:read', 'users:read', 'threat_profiles:read'],
  groups: ['my_group_id'],
  threatProfiles: ['tp-1'],
};

/** The twelve tools the capability names; they must keep their names. */
const CAPABILITY_TOOLS = [
  'get-group-object',
  'update-group-object',
  'get-administrators-group',
  'grant-group-admin-permissions-list',
  'revoke-group-admin-permissions-user',
  'check-if-user-is-group',
  'get-group-users',
  'add-users-group',
  'remove-user-group',
  'check-if-user-is-group-2',
  'get-object-descriptors-related-group',
  'get-objects-related-group',
];

t.test('tools/list', async (t) => {
  const stack = await startMcpStack(t, { clients: [reader, groupWriter, oneGroupReader] });
  const byName = (tools: Tool[]) => new Map(tools.map((tool) => [tool.name, tool]));

  t.test('an all-scopes client sees one tool per catalog operation, named by the catalog', async (t) => {
    const { tools } = await (await stack.connect()).listTools();
    t.equal(tools.length, operations.length);
    t.same(
      tools.map((tool) => tool.name),
      operations.map((op) => op.tool.name),
    );
    for (const name of CAPABILITY_TOOLS) t.ok(byName(tools).has(name), `capability tool ${name} is there`);
  });

  t.test("annotations are the catalog's hints, and every tool reaches VirusTotal", async (t) => {
    const tools = byName((await (await stack.connect()).listTools()).tools);
    for (const op of operations) {
      t.same(
        tools.get(op.tool.name)?.annotations,
        {
          title: op.summary,
          readOnlyHint: op.tool.hints.readOnly,
          destructiveHint: op.tool.hints.destructive,
          idempotentHint: op.tool.hints.idempotent,
          openWorldHint: true,
        },
        op.tool.name,
      );
    }
    const grant = tools.get('grant-group-admin-permissions-list')?.annotations;
    t.equal(grant?.readOnlyHint, false, 'granting admin changes the group: not read-only, whatever the capability says');
    t.equal(grant?.destructiveHint, false, 'granting is additive');
    t.equal(tools.get('get-group-object')?.annotations?.readOnlyHint, true);
    t.equal(tools.get('remove-user-group')?.annotations?.destructiveHint, true);
  });

  t.test('input schemas: path and query parameters on top, the request body as `body`', async (t) => {
    const tools = byName((await (await stack.connect()).listTools()).tools);
    for (const op of operations) {
      const schema = tools.get(op.tool.name)?.inputSchema;
      const expected = [
        ...Object.keys(op.params.properties),
        ...Object.keys(op.query?.properties ?? {}),
        ...(op.body === undefined ? [] : ['body']),
      ];
      t.same(Object.keys(schema?.properties ?? {}), expected, `${op.tool.name}: properties`);
      t.same(schema?.required ?? [], [...Object.keys(op.params.properties), ...(op.body === undefined ? [] : ['body'])], `${op.tool.name}: required (absent when nothing is)`);
      t.equal(schema?.additionalProperties, false, `${op.tool.name}: nothing else`);
      t.notMatch(JSON.stringify(schema), /"\$(ref|id)"/, `${op.tool.name}: self-contained, no $ref or $id (OpenAPI's components are not an MCP client's)`);
      const description = tools.get(op.tool.name)?.description ?? '';
      for (const name of expected) t.match(description, `- ${name} (`, `${op.tool.name}: describes ${name}`);
      t.match(description, `${op.method} ${op.path.replace(/^\/v1/, '')}`, `${op.tool.name}: names the VirusTotal call`);
      t.match(description, /Returns: /);
    }
    const users = tools.get('get-group-users')?.inputSchema.properties;
    t.match(users?.limit, { type: 'integer', minimum: 1, maximum: 40 });
    const add = tools.get('add-users-group')?.inputSchema.properties?.body;
    t.match(add, { type: 'object', required: ['data'], properties: { data: { type: 'array', items: { properties: { id: { pattern: /@/ } } } } } });
    t.match(tools.get('add-users-group')?.description, /email address/);
    t.match(tools.get('add-users-group')?.description, /empty body: done/);
    t.match(
      tools.get('manage-group-users-roles-allowance')?.description,
      'Example: {"data":[{"type":"user","id":"user_1","context_attributes":{"quota_limits":{"api_requests_daily":{"allowed":10}}}}]}',
      "the body is described by the operation's first named example (VirusTotal's own)",
    );
    t.match(tools.get('manage-group-users-roles-allowance')?.inputSchema.properties?.body, { examples: { length: 5 } }, 'with all of them in the schema');
  });

  t.test('a client sees only the tools whose scope it holds', async (t) => {
    const readTools = (await (await stack.connect(reader.token)).listTools()).tools;
    t.same(
      readTools.map((tool) => tool.name),
      operations.filter((op) => op.scope === 'groups:read' || op.scope === 'threat_profiles:read').map((op) => op.tool.name),
    );
    t.ok(readTools.length > 0);
    t.ok(readTools.every((tool) => tool.annotations?.readOnlyHint === true), 'a read-only client sees only read-only tools');

    const writerTools = (await (await stack.connect(groupWriter.token)).listTools()).tools.map((tool) => tool.name);
    t.ok(writerTools.includes('add-users-group'));
    t.ok(writerTools.includes('manage-group-users-roles-allowance'), 'listed by its base scope; the admin-role entries are checked per call');
    t.notOk(writerTools.includes('grant-group-admin-permissions-list'), 'groups:admins is not held');
    t.notOk(writerTools.includes('remove-user-group'), 'every removal of a member needs groups:admins too: not listed without it');
    t.notOk(writerTools.some((name) => name.includes('threat-profile')), 'no threat-profile scope');
  });

  t.test('a tool no call of the client could pass is neither listed nor run', async (t) => {
    const listed = (await (await stack.connect(oneGroupReader.token)).listTools()).tools.map((tool) => tool.name);
    t.ok(listed.includes('get-group-object'), 'its own group: listed');
    for (const name of ['get-service-account', 'list-threat-profiles']) {
      t.notOk(listed.includes(name), `${name}: needs the allowlist "*", not listed`);
    }
    const writer = await stack.connect(groupWriter.token);
    const before = stack.sim.requestCount();
    const removal = await writer.callTool({ name: 'remove-user-group', arguments: { id: 'my_group_id', user_id: 'alice' } });
    t.equal(removal.isError, true);
    t.match(removal.content, [{ type: 'text', text: /groups:admins/ }], 'the refusal names the scope');
    const reading = await (await stack.connect(oneGroupReader.token)).callTool({ name: 'list-threat-profiles', arguments: {} });
    t.equal(reading.isError, true);
    t.match(reading.content, [{ type: 'text', text: /only with the threat-profile allowlist/ }]);
    t.equal(stack.sim.requestCount(), before, 'VirusTotal was asked nothing');
  });
});
