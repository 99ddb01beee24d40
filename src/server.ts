import { ConfigError, loadConfig, type GatewayConfig } from './config.js';
import type { RuntimeConfig } from './core/core.js';
import { startGateway } from './gateway.js';
import { flushTracing } from './tracing/shutdown.js';

function fail(message: string): never {
  process.stderr.write(`vt-access-gateway: ${message}\n`);
  process.exit(1);
}

function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  let config: GatewayConfig;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(`bad configuration: ${err.message.replace(/\n/g, '; ')}`);
    throw err;
  }
  if (config.vtApiKey === undefined) fail('VIRUSTOTAL_API_KEY (or VIRUSTOTAL_API_KEY_FILE) is required');
  if (config.clientsFile === undefined) fail('GATEWAY_CLIENTS_FILE is required (mint clients with `vtgw token`)');
  return { ...config, vtApiKey: config.vtApiKey };
}

/** How long a stop waits for the last spans to reach the collector. */
const TRACING_FLUSH_MS = 2000;

/** `npm start`: the gateway against the real VirusTotal, stopped gracefully by SIGTERM or SIGINT. */
async function main(): Promise<void> {
  const config = configFromEnvironment();
  const gateway = await startGateway(config);
  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    gateway.log.info({ signal }, 'shutting down: finishing in-flight requests');
    setTimeout(() => {
      gateway.log.error({ graceMs: config.shutdownGraceMs }, 'grace period over; exiting with requests still open');
      process.exit(1);
    }, config.shutdownGraceMs).unref();
    gateway
      .close()
      .then(() => flushTracing(TRACING_FLUSH_MS))
      .then(
        () => process.exit(0),
        (err: unknown) => {
          gateway.log.error({ err }, 'error while shutting down');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
