import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT, base64url } from 'jose';
import t from 'tap';
import type { GatewayConfig } from '../../src/config.js';
import { ClientRegistry } from '../../src/security/client-registry.js';
import type { ClientRecord } from '../../src/security/client.js';
import { tokenDigest } from '../../src/security/token.js';
import { TEST_VT_KEY } from '../helpers/config.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { bearer, buildTestGateway } from '../helpers/gateway.js';
import { startIdentityProvider } from '../helpers/identity-provider.js';
import { startMcpStack } from '../mcp/fixtures/mcp-stack.js';

const AUDIENCE = 'vt-access-gateway';
const STATIC_TOKEN = 'vtgw_static-token-of-the-reader-000000000000000';

/** svc-reader: groups and threat profiles read, with a static token too; svc-okta: known to the IdP as 0oa-svc/okta. */
const records: ClientRecord[] = [
  {
    id: 'svc-reader',
    tokenSha256: tokenDigest(STATIC_TOKEN),
    scopes: new Set(['groups:read', 'threat_profiles:read']),
    groups: 'all',
    threatProfiles: 'all',
  },
  { id: 'svc-okta', oidcSubject: '0oa-svc/okta', scopes: new Set(['groups:read']), groups: 'all', threatProfiles: 'all' },
];

async function setUp(t: { teardown(fn: () => unknown): void }, config: Partial<GatewayConfig> = {}, idpOpts: { down?: boolean } = {}) {
  const idp = await startIdentityProvider({ audience: AUDIENCE });
  idp.down = idpOpts.down ?? false;
  t.teardown(() => idp.close());
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const gw = await buildTestGateway(t, {
    upstream: upstream.baseUrl,
    registry: ClientRegistry.fromClients(records),
    config: { oidcIssuer: idp.issuer, oidcAudience: AUDIENCE, ...config },
  });
  await waitReady(gw.app);
  return { idp, upstream, ...gw };
}

type Injectable = Awaited<ReturnType<typeof buildTestGateway>>['app'];

async function waitReady(app: Injectable, limitMs = 3000): Promise<number> {
  const until = Date.now() + limitMs;
  for (;;) {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    if (res.statusCode === 200 || Date.now() > until) return res.statusCode;
    await sleep(20);
  }
}

async function get(app: Injectable, url: string, headers: Record<string, string>) {
  return app.inject({ method: 'GET', url, headers });
}

t.test('a valid JWT from the configured issuer calls as its client; only the VirusTotal key goes upstream', async (t) => {
  const { idp, upstream, app, auditLines } = await setUp(t);
  const token = await idp.sign({ sub: 'svc-reader' });
  const res = await get(app, '/v1/groups/g', bearer(token));
  t.equal(res.statusCode, 200);
  t.equal(upstream.seen.length, 1);
  t.equal(upstream.seen[0]?.headers['x-apikey'], TEST_VT_KEY);
  t.notOk(JSON.stringify(upstream.seen[0]?.headers).includes(token.slice(-20)), 'the token is not passed upstream');
  t.equal(auditLines().at(-1)?.clientId, 'svc-reader');
  const viaSubject = await get(app, '/v1/groups/g', bearer(await idp.sign({ sub: '0oa-svc/okta' })));
  t.equal(viaSubject.statusCode, 200, "an IdP id that fits no client id maps through the entry's oidcSubject");
  t.equal(auditLines().at(-1)?.clientId, 'svc-okta');
});

t.test('tokens that are wrong in any way are refused 401 and nothing goes upstream', async (t) => {
  const { idp, upstream, app } = await setUp(t);
  const claims = { sub: 'svc-reader' };
  const header = (h: object) => base64url.encode(JSON.stringify(h));
  const payload = base64url.encode(JSON.stringify({ ...claims, iss: idp.issuer, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 }));
  const publicKeyAsSecret = new TextEncoder().encode(JSON.stringify(idp.publicJwk()));
  const cases: [string, string, RegExp][] = [
    ['wrong audience', await idp.sign(claims, { audience: 'another-service' }), /aud/],
    ['no audience', await idp.sign(claims, { audience: null }), /aud/],
    ['wrong issuer', await idp.sign(claims, { issuer: 'https://evil.example' }), /iss/],
    ['expired', await idp.sign(claims, { expiresIn: Math.floor(Date.now() / 1000) - 3600 }), /expired/],
    ['not yet valid', await idp.sign(claims, { notBefore: '1h' }), /not valid yet/],
    ['alg none', `${header({ alg: 'none', typ: 'JWT' })}.${payload}.`, /algorithm|well-formed/],
    [
      'HS256 signed with the public key',
      await new SignJWT({ ...claims, iss: idp.issuer, aud: AUDIENCE })
        .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
        .setExpirationTime('5m')
        .sign(publicKeyAsSecret),
      /algorithm/,
    ],
    ['a tampered payload', (await idp.sign(claims)).replace(/\.[^.]+\./, `.${payload}.`), /signature/],
    ['unmapped client', await idp.sign({ sub: 'svc-nobody' }), /names no client/],
    ['no exp (correctly signed)', await idp.sign(claims, { expiresIn: null }), /exp/],
  ];
  for (const [name, token, message] of cases) {
    const res = await get(app, '/v1/groups/g', bearer(token));
    t.equal(res.statusCode, 401, name);
    t.equal(res.json().error.code, 'WrongCredentialsError', name);
    t.match(res.json().error.message, message, name);
  }
  t.equal(upstream.seen.length, 0);
});

t.test('1,000 tokens with made-up key ids cause at most one key-set fetch per cooldown; a rotated IdP key is picked up after it', async (t) => {
  const cooldownMs = 1500;
  const { idp, upstream, app } = await setUp(t, { oidcJwksCooldownMs: cooldownMs, anonymousRequestsPerMinute: 100_000 });
  const fetchesAtStart = idp.jwksFetches;
  t.equal(fetchesAtStart, 1, 'one fetch at start');
  const started = Date.now();
  const tokens = await Promise.all(Array.from({ length: 1000 }, (_, i) => idp.sign({ sub: 'svc-reader' }, { kid: `made-up-${i}` })));
  // In waves, so that later ones do not all share the fetch the first one started.
  const answers = [];
  for (let wave = 0; wave < tokens.length; wave += 50) {
    answers.push(...(await Promise.all(tokens.slice(wave, wave + 50).map((token) => get(app, '/v1/groups/g', bearer(token))))));
  }
  t.ok(answers.every((res) => res.statusCode === 401), 'every made-up kid refused');
  const elapsed = Date.now() - started;
  t.ok(idp.jwksFetches - fetchesAtStart <= 1 + Math.floor(elapsed / cooldownMs), `fetches ${idp.jwksFetches - fetchesAtStart} in ${elapsed} ms`);
  t.equal(upstream.seen.length, 0);

  await idp.rotate();
  await sleep(cooldownMs + 50);
  const rotated = await get(app, '/v1/groups/g', bearer(await idp.sign({ sub: 'svc-reader' })));
  t.equal(rotated.statusCode, 200, 'a token signed with the new key is accepted once the cooldown is over');
});

t.test("scopes in the token narrow the entry's, never widen them", async (t) => {
  const { idp, app } = await setUp(t, { oidcScopesClaim: 'roles' });
  const call = async (claims: Record<string, unknown>) => {
    const token = await idp.sign({ sub: 'svc-reader', ...claims });
    return [(await get(app, '/v1/groups/g', bearer(token))).statusCode, (await get(app, '/v1/threat_profiles/tp/relationships/editors', bearer(token))).statusCode];
  };
  t.same(await call({}), [200, 200], "no scope claim: the entry's scopes");
  t.same(await call({ scope: 'openid groups:read' }), [200, 403], 'scope narrows to groups:read');
  t.same(await call({ scp: ['threat_profiles:read'] }), [403, 200], 'scp (array) narrows too');
  t.same(await call({ roles: ['groups:read'] }), [200, 403], 'OIDC_SCOPES_CLAIM names a further claim');
  t.same(await call({ scope: 'groups:read groups:write groups:admins' }), [200, 403], 'scopes the entry lacks are not gained');
  t.same(await call({ scope: 'openid profile' }), [403, 403], 'a scope claim naming no gateway scope grants nothing');
  const writer = await idp.sign({ sub: 'svc-reader', scope: 'groups:write' });
  const write = await app.inject({
    method: 'POST',
    url: '/v1/groups/g/relationships/users',
    headers: { ...bearer(writer), 'content-type': 'application/json' },
    payload: JSON.stringify({ data: [{ type: 'user', id: 'alice@example.com' }] }),
  });
  t.equal(write.statusCode, 403, `a write scope in the token is not in the entry: refused (${write.body})`);
});

t.test('credential order: a present but wrong credential never falls through to the next', async (t) => {
  const { idp, app, upstream } = await setUp(t);
  const wrongBearer = await get(app, '/v1/groups/g', { authorization: 'Bearer vtgw_wrong', 'x-apikey': STATIC_TOKEN });
  t.equal(wrongBearer.statusCode, 401, 'a wrong static bearer with a right x-apikey');
  const expiredJwt = await idp.sign({ sub: 'svc-reader' }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 });
  const wrongJwt = await get(app, '/v1/groups/g', { ...bearer(expiredJwt), 'x-apikey': STATIC_TOKEN });
  t.equal(wrongJwt.statusCode, 401, 'an expired JWT with a right x-apikey');
  t.equal((await get(app, '/v1/groups/g', bearer(STATIC_TOKEN))).statusCode, 200, 'a vtgw_ bearer is still a static token with OIDC on');
  t.equal((await get(app, '/v1/groups/g', { 'x-apikey': STATIC_TOKEN })).statusCode, 200, 'x-apikey: static tokens');
  const jwtInApiKey = await get(app, '/v1/groups/g', { 'x-apikey': await idp.sign({ sub: 'svc-reader' }) });
  t.equal(jwtInApiKey.statusCode, 401, 'x-apikey never carries a JWT');
  t.equal(upstream.seen.length, 2);
});

t.test('front-gateway assertions: accepted from the configured issuer, refused when forged or expired, never skipped', async (t) => {
  const front = await startIdentityProvider({ audience: 'vtgw-behind-front', alg: 'ES256' });
  t.teardown(() => front.close());
  const forger = await startIdentityProvider({ audience: 'vtgw-behind-front', alg: 'ES256' });
  t.teardown(() => forger.close());
  const { app, auditLines } = await setUp(t, {
    assertionHeader: 'x-front-assertion',
    assertionIssuer: front.issuer,
    assertionAudience: 'vtgw-behind-front',
    assertionJwksUrl: front.jwksUrl,
    assertionClientClaim: 'client_id',
    trustProxy: '127.0.0.1/32',
  });
  const good = await front.sign({ sub: 'human@corp', client_id: 'svc-reader', scope: 'groups:read' });
  const ok = await get(app, '/v1/groups/g', { 'x-front-assertion': good });
  t.equal(ok.statusCode, 200, 'a good assertion');
  t.equal(auditLines().at(-1)?.clientId, 'svc-reader');
  // The same assertion, replayed by a peer that is not the front gateway (seen in a sidecar, a trace, a log).
  const replayed = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: { 'x-front-assertion': good, ...bearer(STATIC_TOKEN) }, remoteAddress: '203.0.113.9' });
  t.equal(replayed.statusCode, 401, 'a good assertion from another peer: refused, and the bearer behind it is not tried');
  t.match(replayed.json(), { error: { code: 'WrongCredentialsError', message: /only from the front gateway/ } });
  t.equal((await get(app, '/v1/threat_profiles/tp/relationships/editors', { 'x-front-assertion': good })).statusCode, 403, 'narrowed by its scope');
  const forged = await forger.sign({ client_id: 'svc-reader' }, { issuer: front.issuer });
  const refusedForged = await get(app, '/v1/groups/g', { 'x-front-assertion': forged, ...bearer(STATIC_TOKEN) });
  t.equal(refusedForged.statusCode, 401, 'forged (same kid, another key): refused, and the bearer behind it is not tried');
  const expired = await front.sign({ client_id: 'svc-reader' }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 });
  t.equal((await get(app, '/v1/groups/g', { 'x-front-assertion': expired })).statusCode, 401, 'expired');
  t.equal((await get(app, '/v1/groups/g', { 'x-front-assertion': '', ...bearer(STATIC_TOKEN) })).statusCode, 200, 'an empty header is absent');
  t.equal((await get(app, '/v1/groups/g', bearer(STATIC_TOKEN))).statusCode, 200, 'absent: the next credential decides');
});

t.test('readiness waits for the first key set; an IdP outage after that is a metric, not a failure', async (t) => {
  const idp = await startIdentityProvider({ audience: AUDIENCE });
  idp.down = true;
  t.teardown(() => idp.close());
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app, core } = await buildTestGateway(t, {
    upstream: upstream.baseUrl,
    registry: ClientRegistry.fromClients(records),
    config: { oidcIssuer: idp.issuer, oidcAudience: AUDIENCE, oidcJwksCooldownMs: 200 },
  });
  await sleep(50);
  const notReady = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(notReady.statusCode, 503);
  t.match(notReady.json().failures.oidc, /key set not fetched yet/);
  const token = await idp.sign({ sub: 'svc-reader' });
  t.equal((await get(app, '/v1/groups/g', bearer(token))).statusCode, 401, 'no keys: the token cannot be verified');

  idp.down = false;
  t.equal(await waitReady(app), 200, 'ready once the keys are fetched');
  idp.down = true;
  await sleep(250);
  const unknownKid = await get(app, '/v1/groups/g', bearer(await idp.sign({ sub: 'svc-reader' }, { kid: 'new-kid' })));
  t.equal(unknownKid.statusCode, 401);
  t.equal((await get(app, '/v1/groups/g', bearer(token))).statusCode, 200, 'cached keys keep working while the IdP is down');
  const degraded = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(degraded.statusCode, 200, 'readiness does not fail');
  t.match(degraded.json(), { status: 'ready', notes: { oidc: /unreachable, cached keys in use/ } }, 'but its body says so');
  t.match(await core.metrics.registry.metrics(), /vtgw_identity_keys_unreachable\{source="oidc"\} 1/);
});

t.test('MCP takes the same JWTs', async (t) => {
  const idp = await startIdentityProvider({ audience: AUDIENCE });
  t.teardown(() => idp.close());
  const stack = await startMcpStack(t, {
    clients: [{ id: 'svc-mcp', token: 'vtgw_mcp-static-000000000000000000000000', scopes: ['groups:read'] }],
    config: { oidcIssuer: idp.issuer, oidcAudience: AUDIENCE },
  });
  const client = await stack.connect(await idp.sign({ sub: 'svc-mcp' }));
  const tools = await client.listTools();
  t.ok(tools.tools.length > 0, 'a JWT opens the MCP channel');
  await client.close();
  await t.rejects(stack.connect(await idp.sign({ sub: 'svc-mcp' }, { audience: 'elsewhere' })), 'a token for another audience does not');
});

t.test('every 401 carries a Bearer challenge; invalid_token only when a credential was sent (REST and MCP)', async (t) => {
  const { idp, app } = await setUp(t);
  const none = await get(app, '/v1/groups/g', {});
  t.equal(none.headers['www-authenticate'], 'Bearer realm="vt-access-gateway"', 'nothing sent: no error code');
  const expired = await get(app, '/v1/groups/g', bearer(await idp.sign({ sub: 'svc-reader' }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 })));
  t.match(expired.headers['www-authenticate'], /^Bearer realm="vt-access-gateway", error="invalid_token", error_description="The token was refused: it has expired"$/);
  const wrong = await get(app, '/v1/groups/g', bearer('vtgw_wrong'));
  t.match(wrong.headers['www-authenticate'], /error="invalid_token"/);
  const narrowed = await get(app, '/v1/threat_profiles/tp/relationships/editors', bearer(await idp.sign({ sub: 'svc-reader', scope: 'groups:read' })));
  t.equal(narrowed.statusCode, 403);
  t.equal(narrowed.headers['www-authenticate'], 'Bearer realm="vt-access-gateway", error="insufficient_scope", scope="threat_profiles:read"');

  const stack = await startMcpStack(t, { config: { oidcIssuer: idp.issuer, oidcAudience: AUDIENCE } });
  const mcp = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: 'Bearer not-a-jwt' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  t.equal(mcp.status, 401);
  const origin = new URL(stack.url).origin;
  t.match(mcp.headers.get('www-authenticate'), /^Bearer realm="vt-access-gateway", error="invalid_token", error_description="[^"]*", resource_metadata="(.*)"$/);
  t.match(mcp.headers.get('www-authenticate'), `resource_metadata="${origin}/.well-known/oauth-protected-resource"`);
  await mcp.body?.cancel();
  const metadata = await fetch(`${origin}/.well-known/oauth-protected-resource`);
  t.equal(metadata.status, 200, 'RFC 9728 metadata, without credentials');
  t.match(await metadata.json(), { resource: stack.url, authorization_servers: [idp.issuer] });
});
