// Standalone simulator: `SIM_API_KEY=... tsx src/simulator/main.ts` (or node dist/simulator/main.js).
import { buildSimulator, DEMO_ADMIN_USER } from './index.js';

function fail(message: string): never {
  process.stderr.write(`vt-simulator: ${message}\n`);
  process.exit(1);
}

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 8081;
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) fail(`SIM_PORT must be a port number from 0 to 65535, got "${raw}"`);
  return port;
}

const apiKey = process.env['SIM_API_KEY'];
if (apiKey === undefined || apiKey === '') {
  fail(`SIM_API_KEY is required: the API key the simulator accepts (it belongs to "${DEMO_ADMIN_USER}")`);
}
const port = readPort(process.env['SIM_PORT']);
const host = process.env['SIM_HOST'] || '127.0.0.1';

const simulator = buildSimulator({ apiKeys: { [apiKey]: DEMO_ADMIN_USER } });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void simulator.app.close().then(() => process.exit(0));
  });
}
const address = await simulator.app.listen({ port, host });
process.stdout.write(`VirusTotal simulator listening on ${address}\n`);
