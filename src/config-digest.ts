import { createHash } from 'node:crypto';
import { settings, type GatewayConfig } from './config.js';

/**
 * What the gateway started with, for its start line on the audit record: a SHA-256 of every setting's effective
 * value (secrets left out, credentials in URLs replaced), and the variables set to something other than their
 * default, so that two starts can be compared without the configuration itself being written down.
 */
export function effectiveConfigSummary(config: Partial<GatewayConfig>): { configDigest: string; changedSettings: string[] } {
  const values: Record<string, unknown> = {};
  const changedSettings: string[] = [];
  const effective: Record<string, unknown> = { ...config };
  for (const [key, setting] of Object.entries(settings)) {
    if ('secret' in setting && setting.secret) continue;
    const value = effective[key];
    values[key] = typeof value === 'string' ? withoutUrlCredentials(value) : (value ?? null);
    const fallback: unknown = 'default' in setting ? setting.default : undefined;
    if (value !== undefined && value !== fallback) changedSettings.push(setting.env);
  }
  return { configDigest: createHash('sha256').update(JSON.stringify(values)).digest('hex'), changedSettings: changedSettings.sort() };
}

function withoutUrlCredentials(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(value)) return value;
  try {
    const url = new URL(value);
    url.username = url.username === '' ? '' : 'redacted';
    url.password = url.password === '' ? '' : 'redacted';
    return url.toString();
  } catch {
    return value.replace(/\/\/[^/]*@/, '//redacted@');
  }
}
