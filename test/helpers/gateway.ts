import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { GatewayConfig } from '../../src/config.js';
import { testConfig } from './config.js';

export const ADMIN_TOKEN = 'vtgw_test-admin-token-with-every-scope-000000000000';

export interface TestGateway {
  app: FastifyInstance;
  /** Headers of a client holding every scope on every group and threat profile. */
  auth: Record<string, string>;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

export async function buildTestGateway(
  t: Teardown,
  opts: { upstream: string; config?: Partial<GatewayConfig> },
): Promise<TestGateway> {
  const app = await buildApp({ config: testConfig({ vtApiBaseUrl: opts.upstream, ...opts.config }), logger: false });
  t.teardown(() => app.close());
  return { app, auth: { authorization: `Bearer ${ADMIN_TOKEN}` } };
}
