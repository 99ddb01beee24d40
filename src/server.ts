import { buildApp } from './app.js';
import { ConfigError, loadConfig, type GatewayConfig } from './config.js';

function fail(message: string): never {
  process.stderr.write(`vt-access-gateway: ${message}\n`);
  process.exit(1);
}

export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): GatewayConfig & { vtApiKey: string } {
  let config: GatewayConfig;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(`bad configuration: ${err.message.replace(/\n/g, '; ')}`);
    throw err;
  }
  if (config.vtApiKey === undefined) fail('VIRUSTOTAL_API_KEY (or VIRUSTOTAL_API_KEY_FILE) is required');
  return { ...config, vtApiKey: config.vtApiKey };
}

export async function main(): Promise<void> {
  const config = configFromEnvironment();
  const app = await buildApp({ config });
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
}
