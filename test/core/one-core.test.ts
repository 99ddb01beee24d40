import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { createCore, type Core } from '../../src/core/core.js';
import type { GatewayConfig } from '../../src/config.js';
import { buildMcpApp } from '../../src/mcp/mcp-server.js';
import { buildRestApp } from '../../src/rest/rest-app.js';
import { ClientRegistry } from '../../src/security/client-registry.js';
import { replyJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { testConfig } from '../helpers/config.js';
import { ADMIN_TOKEN, adminClient, bearer, toClient } from '../helpers/gateway.js';
import { rawRequest } from '../helpers/raw-http.js';
import { freePort } from '../helpers/redis.js';

interface Channels {
  core: Core;
  restPort: number;
  mcpPort: number;
  auditLines(): AuditEntry[];
  callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
}

/** One core, both channels listening on it, as `npm start` runs them. */
async function startChannels(t: Test, config: Partial<GatewayConfig>): Promise<Channels> {
  const upstream = await startFakeUpstream(replyJson(200, { data: { id: 'g', type: 'group' } }));
  t.teardown(() => upstream.close());
  const auditPath = join(t.testdir(), 'audit.log');
  const core = await createCore(testConfig({ vtApiBaseUrl: upstream.baseUrl, auditLogPath: auditPath, ...config }), {
    log: pino({ level: 'silent' }),
    clients: ClientRegistry.fromClients([toClient(adminClient)]),
  });
  const rest = await buildRestApp(core, { logger: false });
  const mcp = await buildMcpApp(core, { logger: false });
  await rest.listen({ port: 0, host: '127.0.0.1' });
  await mcp.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(async () => {
    await Promise.all([rest.close(), mcp.close()]);
    await core.close();
  });
  const mcpPort = (mcp.server.address() as AddressInfo).port;
  return {
    core,
    restPort: (rest.server.address() as AddressInfo).port,
    mcpPort,
    auditLines: () =>
      readFileSync(auditPath, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as AuditEntry),
    async callTool(name, args) {
      const client = new Client({ name: 'one-core-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${mcpPort}/mcp`), { requestInit: { headers: bearer(ADMIN_TOKEN) } }),
      );
      t.teardown(() => client.close());
      return (await client.callTool({ name, arguments: args })) as CallToolResult;
    },
  };
}

t.test('a malformed URL is refused in VirusTotal shape and audited, on REST and on MCP alike', async (t) => {
  const channels = await startChannels(t, {});
  for (const [channel, port, url] of [
    ['rest', channels.restPort, '/v1/groups/%E0%A4%A'],
    ['mcp', channels.mcpPort, '/mcp/%E0%A4%A'],
  ] as const) {
    const res = await rawRequest(port, `GET ${url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    t.equal(res.status, 400, `${channel}: 400`);
    t.match(JSON.parse(res.body), { error: { code: 'BadRequestError', message: /malformed/ } }, `${channel}: VirusTotal's shape`);
    const line = channels.auditLines().find((l) => l.channel === channel && l.path.startsWith(url.slice(0, 5)));
    t.match(line, { status: 400, outcome: 'invalid', errorCode: 'BadRequestError', gatewayCode: 'GW_ERR_BAD_REQUEST' }, `${channel}: audited`);
  }
});

t.test('a rate-limit store outage is a store outage in audit lines and metrics, not an open circuit, on both channels', async (t) => {
  // Nothing listens on this port: Redis is down from the start; fail-closed.
  const channels = await startChannels(t, { redisUrl: `redis://127.0.0.1:${await freePort()}`, rateLimitFailOpen: false });
  const rest = await fetch(`http://127.0.0.1:${channels.restPort}/v1/groups/g`, { headers: bearer(ADMIN_TOKEN) });
  t.equal(rest.status, 503);
  t.match(await rest.json(), { error: { code: 'TransientError', message: /Rate-limit store unavailable/ } });
  const tool = await channels.callTool('get-group-object', { id: 'g' });
  t.equal(tool.isError, true);
  t.match(tool.structuredContent, { error: { code: 'TransientError', message: /Rate-limit store unavailable/ } });

  const lines = channels.auditLines().filter((l) => l.operation === 'groups');
  t.same(
    lines.map((l) => [l.channel, l.status, l.gatewayCode]),
    [
      ['rest', 503, 'GW_ERR_RATE_LIMIT_STORE_UNAVAILABLE'],
      ['mcp', 503, 'GW_ERR_RATE_LIMIT_STORE_UNAVAILABLE'],
    ],
  );
  const metrics = await channels.core.metrics.registry.metrics();
  t.notMatch(metrics, /vtgw_upstream_errors_total\{kind="circuit_open"\}/, 'no circuit_open counted');
  t.match(metrics, /vtgw_requests_total\{[^}]*channel="rest"[^}]*gateway_code="GW_ERR_RATE_LIMIT_STORE_UNAVAILABLE"\} 1/);
  t.match(metrics, /vtgw_requests_total\{[^}]*channel="mcp"[^}]*gateway_code="GW_ERR_RATE_LIMIT_STORE_UNAVAILABLE"\} 1/);
  t.match(await channels.core.readiness(), { redis: /redis/ }, 'readiness names the store');
});

t.test('an open circuit is counted as circuit_open, with its own gateway code', async (t) => {
  const channels = await startChannels(t, { breakerFailureThreshold: 1, upstreamRetries: 0, vtApiBaseUrl: `http://127.0.0.1:${await freePort()}` });
  const first = await fetch(`http://127.0.0.1:${channels.restPort}/v1/groups/g`, { headers: bearer(ADMIN_TOKEN) });
  t.equal(first.status, 502, 'unreachable');
  const second = await fetch(`http://127.0.0.1:${channels.restPort}/v1/groups/g`, { headers: bearer(ADMIN_TOKEN) });
  t.equal(second.status, 503, 'then the circuit is open');
  t.same(
    channels.auditLines().map((l) => l.gatewayCode),
    ['GW_ERR_UPSTREAM_UNREACHABLE', 'GW_ERR_CIRCUIT_OPEN'],
  );
  const metrics = await channels.core.metrics.registry.metrics();
  t.match(metrics, /vtgw_upstream_errors_total\{kind="unreachable"\} 1/);
  t.match(metrics, /vtgw_upstream_errors_total\{kind="circuit_open"\} 1/);
});
