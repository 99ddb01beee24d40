import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { GatewayConfig } from '../config.js';
import { ApiKeySource } from './api-key.js';

/** The VirusTotal key of the configuration, following VIRUSTOTAL_API_KEY_FILE when set, with its metrics. */
export function watchedApiKey(config: Pick<GatewayConfig, 'vtApiKeyFile'> & { vtApiKey: string }, log: Logger, registry: Registry): ApiKeySource {
  const source = new ApiKeySource(
    config.vtApiKey,
    config.vtApiKeyFile === undefined
      ? undefined
      : { path: config.vtApiKeyFile, logger: { info: (obj, msg) => log.info(obj, msg), warn: (obj, msg) => log.warn(obj, msg) } },
  );
  const rotations = new Counter({
    name: 'vtgw_upstream_key_rotations_total',
    help: 'Switches to a new VirusTotal API key read from VIRUSTOTAL_API_KEY_FILE.',
    registers: [registry],
  });
  new Gauge({
    name: 'vtgw_upstream_key_age_seconds',
    help: 'Seconds since the VirusTotal API key in use came into use (start or its switch).',
    registers: [registry],
    collect() {
      this.set(source.ageSeconds);
    },
  });
  new Gauge({
    name: 'vtgw_upstream_key_file_unusable',
    help: '1 while VIRUSTOTAL_API_KEY_FILE was last found unreadable or empty (the last good key stays in use), else 0.',
    registers: [registry],
    collect() {
      this.set(source.problem === undefined ? 0 : 1);
    },
  });
  source.onSwitch(() => rotations.inc());
  source.watch();
  return source;
}
