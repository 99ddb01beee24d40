import { loadConfig, type GatewayConfig } from '../../src/config.js';

export const TEST_VT_KEY = 'vt-test-key-0123456789abcdef0123456789abcdef0123456789abcdef01234567';

export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig & { vtApiKey: string } {
  return { ...loadConfig({}), vtApiKey: TEST_VT_KEY, logLevel: 'silent', ...overrides };
}
