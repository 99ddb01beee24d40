import { createServer, type AddressInfo } from 'node:net';
import type { GatewayConfig } from '../../src/config.js';
import { buildSimulator, DEMO_ADMIN_USER, type Simulator } from '../../src/simulator/index.js';
import { TEST_VT_KEY } from './config.js';
import { buildTestGateway, type TestClient, type TestGateway } from './gateway.js';

export interface Stack extends TestGateway {
  /** e.g. http://127.0.0.1:PORT — the listening gateway. */
  url: string;
  sim: Simulator;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A loopback port free a moment ago: for a gateway whose configuration must name its own address. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A listening gateway in front of a listening simulator of VirusTotal, both on loopback ports. */
export async function startStack(
  t: Teardown,
  opts: { config?: Partial<GatewayConfig>; clients?: TestClient[]; echoHeadersInErrors?: boolean; port?: number } = {},
): Promise<Stack> {
  const sim = buildSimulator({ apiKeys: { [TEST_VT_KEY]: DEMO_ADMIN_USER }, echoHeadersInErrors: opts.echoHeadersInErrors === true });
  await sim.app.listen({ port: 0, host: '127.0.0.1' });
  const simPort = (sim.app.server.address() as AddressInfo).port;
  const gateway = await buildTestGateway(t, {
    upstream: `http://127.0.0.1:${simPort}/api/v3`,
    ...(opts.config === undefined ? {} : { config: opts.config }),
    ...(opts.clients === undefined ? {} : { clients: opts.clients }),
  });
  await gateway.app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  t.teardown(() => sim.app.close());
  const port = (gateway.app.server.address() as AddressInfo).port;
  return { ...gateway, url: `http://127.0.0.1:${port}`, sim };
}
