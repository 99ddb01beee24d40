import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ALIAS_PREFIX, GATEWAY_PREFIX, scopes } from './catalog/operation.js';
import { ConfigError, loadConfig, settings } from './config.js';
import { startGateway } from './gateway.js';
import { ClientRegistry } from './security/client-registry.js';
import { mintToken, tokenDigest } from './security/token.js';
import { buildSimulator, DEMO_ADMIN_USER, DEMO_GROUP_ID } from './simulator/index.js';

/**
 * `npm run demo`: the simulator of VirusTotal on a loopback port and the gateway in front of it, with a fresh
 * random simulator key that is never printed.
 */
async function demo(): Promise<void> {
  const simulatorKey = `sim_${randomBytes(24).toString('base64url')}`;
  const simulator = buildSimulator({ apiKeys: { [simulatorKey]: DEMO_ADMIN_USER } });
  await simulator.app.listen({ port: Number(process.env.SIM_PORT ?? 0), host: '127.0.0.1' });
  const simPort = (simulator.app.server.address() as AddressInfo).port;

  const config = {
    ...loadConfig({
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // vt-py and vt-go work against the demo with only the host and the key changed.
      API_V3_ALIAS: 'true',
      PUBLIC_BASE_URL: `http://localhost:${process.env.PORT ?? settings.port.default}`,
      ...process.env,
      VIRUSTOTAL_API_KEY: simulatorKey,
      VT_API_BASE_URL: `http://127.0.0.1:${simPort}/api/v3`,
    }),
    vtApiKey: simulatorKey,
  };
  const token = mintToken();
  const clients = ClientRegistry.fromClients([
    { id: 'demo', tokenSha256: tokenDigest(token), scopes: new Set(scopes), groups: 'all', threatProfiles: 'all' },
  ]);
  const gateway = await startGateway(config, { clients });
  const base = `http://localhost:${config.port}`;

  process.stdout.write(
    [
      '',
      'vt-access-gateway demo: the gateway in front of a simulated VirusTotal',
      `  Swagger UI:  ${base}/docs`,
      `  OpenAPI:     ${base}/openapi.json`,
      `  Demo client token (every scope; use it in Swagger UI's Authorize button):`,
      `               ${token}`,
      `  Try:         curl -s -H "Authorization: Bearer ${token}" ${base}${GATEWAY_PREFIX}/groups/${DEMO_GROUP_ID}/relationships/users?limit=3`,
      ...(config.apiV3Alias
        ? [`  vt-py:       vt.Client("<token>", host="${base}")   (VirusTotal's paths under ${ALIAS_PREFIX} work too)`]
        : []),
      `  MCP:         http://localhost:${config.mcpPort}/mcp (same token)`,
      ...(config.metricsPort === 0 ? [] : [`  Metrics:     http://localhost:${config.metricsPort}/metrics`]),
      `  Audit log:   ${config.auditLogPath} (check it: npx vtgw audit verify ${config.auditLogPath})`,
      '',
    ].join('\n') + '\n',
  );

  const stop = (): void => {
    void gateway.close().then(() => simulator.app.close()).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

demo().catch((err: unknown) => {
  const message = err instanceof ConfigError ? `bad configuration: ${err.message}` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`vt-access-gateway demo: ${message}\n`);
  process.exit(1);
});
