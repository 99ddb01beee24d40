import t, { type Test } from 'tap';
import { replyJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { bearer } from '../helpers/gateway.js';
import { startIdentityProvider } from '../helpers/identity-provider.js';
import { freePort } from '../helpers/stack.js';
import { spawnRecordingImports, type RecordedGateway } from '../helpers/recorded-imports.js';

const TOKEN = 'vtgw_start-modules-test-token-0000000000000000000000';
const AUDIENCE = 'vt-access-gateway';

/**
 * What a gateway process resolves while it starts and serves one REST call, recorded by the import recorder: every
 * module URL, one a line. Resident modules cost every request (V8 marks the whole live heap at each full collection)
 * and every byte of RSS, so what is not configured must not be loaded.
 */
async function modulesOfAServedCall(t: Test, env: Record<string, string> = {}): Promise<string[]> {
  return (await servedCall(t, env)).imports();
}

async function servedCall(t: Test, env: Record<string, string> = {}): Promise<RecordedGateway> {
  const upstream = await startFakeUpstream(replyJson(200, { data: { id: 'g1', type: 'group' } }));
  t.teardown(() => upstream.close());
  const recorded = await spawnRecordingImports(t.testdir(), upstream.baseUrl, TOKEN, env);
  t.teardown(() => recorded.gateway.stop());
  const res = await fetch(`${recorded.gateway.url}/v1/groups/g1`, { headers: bearer(TOKEN) });
  t.equal(res.status, 200, 'the call through the upstream pool is served');
  t.match(await res.json(), { data: { id: 'g1' } });
  return recorded;
}

const joseModules = (urls: string[]): string[] => urls.filter((url) => url.includes('/node_modules/jose/'));

t.test('without a signed way in, the gateway loads neither jose nor the index of undici', async (t) => {
  const urls = await modulesOfAServedCall(t);
  t.ok(urls.some((url) => url.endsWith('/src/access/signed-identities.ts')), 'the recording saw the identities set up');
  t.same(joseModules(urls), [], 'no module of jose');
  t.same(
    [...new Set(urls.filter((url) => url.includes('/node_modules/undici/')).map((url) => url.slice(url.indexOf('/node_modules/undici/'))))].sort(),
    ['/node_modules/undici/lib/core/errors.js', '/node_modules/undici/lib/dispatcher/pool.js'],
    "undici's pool and its errors only, not its index with fetch (which loads Node's own copy of undici too)",
  );
});

t.test("Node's own copy of undici is not loaded: no ES module import of node:http reads its lazy WebSocket export", async (t) => {
  const metricsPort = await freePort();
  const recorded = await servedCall(t, { METRICS_PORT: String(metricsPort) });
  // A scrape, so that the metrics server (node:http) has served too.
  const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  t.equal(metrics.status, 200, 'the metrics server answers');
  await metrics.text();
  const builtins = await recorded.stopAndListBuiltins();
  t.ok(builtins.includes('NativeModule http'), 'the list is of this process (node:http is loaded)');
  t.notOk(builtins.includes('NativeModule internal/deps/undici/undici'), "Node's bundled undici (fetch, WebSocket) was not loaded");
});

t.test('with OIDC configured, jose is loaded at start', async (t) => {
  const idp = await startIdentityProvider({ audience: AUDIENCE });
  t.teardown(() => idp.close());
  const urls = await modulesOfAServedCall(t, { OIDC_ISSUER: idp.issuer, OIDC_AUDIENCE: AUDIENCE, OIDC_JWKS_URL: idp.jwksUrl });
  t.not(joseModules(urls).length, 0, 'jose was loaded');
});
