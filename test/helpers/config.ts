import { loadConfig, type GatewayConfig } from '../../src/config.js';

/** The account the tests' key belongs to, as far as the gateway's key-owner guard knows (no lookup at start). */
export const TEST_KEY_OWNER = 'gateway-key-owner';

export const TEST_VT_KEY = 'vt-test-key-0123456789abcdef0123456789abcdef0123456789abcdef01234567';

export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig & { vtApiKey: string } {
  // No background look-ups of group users (audit `people`): tests count the calls that reach VirusTotal. No
  // event-loop-delay shedding: on a machine busy with parallel test files a starved second would answer 503.
  return { ...loadConfig({}), vtApiKey: TEST_VT_KEY, logLevel: 'silent', keyOwner: TEST_KEY_OWNER, auditPeopleRefreshSeconds: 0, maxEventLoopDelayMs: 0, ...overrides };
}
