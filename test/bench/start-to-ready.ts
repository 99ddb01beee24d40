import { gatewayEnvironment, startGateway, type BenchSetup } from './targets.js';

/** Spawn of `node dist/server.js` to its first 200 on /healthz, `starts` times one after the other (ms). */
export async function measureStartToReady(setup: BenchSetup, upstreamUrl: string, starts: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < starts; i++) {
    const gateway = await startGateway(await gatewayEnvironment(setup, upstreamUrl, 'audit-starts'));
    times.push(gateway.readyMs);
    await gateway.stop();
  }
  return times;
}
