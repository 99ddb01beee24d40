import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeClientsFile } from './clients-file.js';
import { TEST_VT_KEY } from './config.js';
import { spawnGateway, type GatewayProcess } from './gateway-process.js';

export interface RecordedGateway {
  gateway: GatewayProcess;
  /** Every module URL the process has resolved so far, in order. */
  imports(): string[];
  /** Stops the gateway (SIGTERM) and lists the modules of Node's own it had loaded (`process.moduleLoadList`). */
  stopAndListBuiltins(): Promise<string[]>;
}

/**
 * `src/server.ts` as its own process under the import recorder (record-imports.mjs), with one client holding
 * `token`, its audit log in `dir`, and VirusTotal at `upstreamBaseUrl`; `env` adds to or overrides that.
 */
export async function spawnRecordingImports(dir: string, upstreamBaseUrl: string, token: string, env: Record<string, string> = {}): Promise<RecordedGateway> {
  const file = join(dir, 'imports.txt');
  writeFileSync(file, '');
  const recorder = new URL('./record-imports.mjs', import.meta.url).href;
  const gateway = await spawnGateway(
    {
      VT_API_BASE_URL: upstreamBaseUrl,
      VIRUSTOTAL_API_KEY: TEST_VT_KEY,
      GATEWAY_CLIENTS_FILE: writeClientsFile(dir, token),
      AUDIT_LOG_PATH: join(dir, 'audit.log'),
      RECORD_IMPORTS_FILE: file,
      ...env,
    },
    { nodeArgs: ['--import', recorder, '--import', 'tsx', 'src/server.ts'] },
  );
  const lines = (): string[] => readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
  const BUILTIN = 'node-builtin:';
  return {
    gateway,
    imports: () => lines().filter((line) => !line.startsWith(BUILTIN)),
    stopAndListBuiltins: async () => {
      await gateway.stop();
      return lines()
        .filter((line) => line.startsWith(BUILTIN))
        .map((line) => line.slice(BUILTIN.length));
    },
  };
}
