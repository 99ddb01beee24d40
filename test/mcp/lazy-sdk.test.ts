import t from 'tap';
import { loadMcpSdk, type McpSdk } from '../../src/mcp/mcp-sdk.js';
import { replyJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { ADMIN_TOKEN, bearer } from '../helpers/gateway.js';
import { spawnRecordingImports } from '../helpers/recorded-imports.js';
import { freePort } from '../helpers/redis.js';
import { MCP_HEADERS, startMcpStack, TOOLS_LIST } from './fixtures/mcp-stack.js';

/** The real loader, counted. */
function countedLoader(failFirst = false): { load: () => Promise<McpSdk>; count: () => number } {
  let loads = 0;
  return {
    load: async () => {
      loads += 1;
      if (failFirst && loads === 1) throw new Error('Cannot find package @modelcontextprotocol/sdk');
      return loadMcpSdk();
    },
    count: () => loads,
  };
}

t.test('the MCP SDK is loaded by the first request that needs it, and only once', async (t) => {
  const loader = countedLoader();
  const stack = await startMcpStack(t, { loadSdk: loader.load });
  const post = (headers: Record<string, string>) => fetch(stack.url, { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body: TOOLS_LIST });
  t.equal(loader.count(), 0, 'not while the channel is built');

  t.equal((await fetch(stack.url, { headers: bearer(ADMIN_TOKEN) })).status, 405, 'a GET probe is answered');
  t.equal((await post({})).status, 401, 'an unauthenticated POST is refused');
  t.equal(loader.count(), 0, 'neither needed the SDK');

  const [first, second] = await Promise.all([post(bearer(ADMIN_TOKEN)), post(bearer(ADMIN_TOKEN))]);
  t.equal(first.status, 200);
  t.equal(second.status, 200);
  const listed = (await first.json()) as { result: { tools: unknown[] } };
  t.ok(listed.result.tools.length > 0, 'the tools are listed');
  t.equal(loader.count(), 1, 'two concurrent first requests share one load');

  const client = await stack.connect();
  t.ok((await client.listTools()).tools.length > 0, 'an SDK client works as before');
  t.equal(loader.count(), 1, 'later requests reuse it');
});

t.test("an SDK that fails to load: 500 in VirusTotal's shape, on the record, and the next request tries again", async (t) => {
  const loader = countedLoader(true);
  const stack = await startMcpStack(t, { loadSdk: loader.load });
  const res = await fetch(stack.url, { method: 'POST', headers: { ...MCP_HEADERS, ...bearer(ADMIN_TOKEN) }, body: TOOLS_LIST });
  t.equal(res.status, 500);
  const body = (await res.json()) as { error: { code: string; message: string } };
  t.equal(body.error.code, 'InternalError');
  t.notMatch(body.error.message, /modelcontextprotocol/, 'no internals in the answer');
  const [line] = stack.auditLines().slice(-1);
  t.match(line, { channel: 'mcp', clientId: 'test-admin', status: 500, gatewayCode: 'GW_ERR_INTERNAL' });

  const client = await stack.connect();
  t.ok((await client.listTools()).tools.length > 0, 'the next request loads it and is served');
  t.equal(loader.count(), 2);
});

t.test('the gateway process loads no module of the MCP SDK until its MCP channel is called', async (t) => {
  const upstream = await startFakeUpstream(replyJson(200, { data: { id: 'g1', type: 'group' } }));
  t.teardown(() => upstream.close());
  const token = 'vtgw_lazy-sdk-test-token-000000000000000000000000000';
  const mcpPort = await freePort();
  const { gateway, imports } = await spawnRecordingImports(t.testdir(), upstream.baseUrl, token, { MCP_PORT: String(mcpPort) });
  t.teardown(() => gateway.stop());
  const sdkModules = (): string[] => imports().filter((url) => url.includes('/node_modules/@modelcontextprotocol/sdk/'));

  const rest = await fetch(`${gateway.url}/v1/groups/g1`, { headers: bearer(token) });
  t.equal(rest.status, 200, 'REST serves');
  await rest.arrayBuffer();
  t.ok(imports().some((url) => url.endsWith('/src/mcp/mcp-server.ts')), 'the recording saw the MCP channel built');
  t.same(sdkModules(), [], 'ready and serving REST without the SDK');

  const mcp = await fetch(`http://127.0.0.1:${mcpPort}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, ...bearer(token) }, body: TOOLS_LIST });
  t.equal(mcp.status, 200, 'the first MCP request is served');
  t.ok(((await mcp.json()) as { result: { tools: unknown[] } }).result.tools.length > 0);
  t.not(sdkModules().length, 0, 'and it loaded the SDK');
});
