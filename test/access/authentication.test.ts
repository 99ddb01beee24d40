import net, { type AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Client } from 'undici';
import { ClientRegistry } from '../../src/security/client-registry.js';
import { tokenDigest } from '../../src/security/token.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { TEST_VT_KEY } from '../helpers/config.js';
import { bearer, buildTestGateway } from '../helpers/gateway.js';

const READER = { id: 'svc-reader', token: 'vtgw_reader-token-0000000000000000000000000000', scopes: ['groups:read' as const] };

t.test('no token, a wrong token, a malformed header: 401 in VirusTotal shape, nothing sent upstream', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app } = await buildTestGateway(t, { upstream: upstream.baseUrl, clients: [READER] });
  const cases: [Record<string, string>, string][] = [
    [{}, 'AuthenticationRequiredError'],
    [bearer('vtgw_not-a-real-token'), 'WrongCredentialsError'],
    [{ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, 'WrongCredentialsError'],
    [{ authorization: 'Bearer' }, 'WrongCredentialsError'],
    [bearer(tokenDigest(READER.token)), 'WrongCredentialsError'],
    [{ 'x-apikey': 'a'.repeat(64) }, 'WrongCredentialsError'],
  ];
  for (const [headers, code] of cases) {
    const res = await app.inject({ method: 'GET', url: '/v1/groups/g', headers });
    t.equal(res.statusCode, 401, JSON.stringify(headers));
    t.equal(res.json().error.code, code);
  }
  t.equal(upstream.seen.length, 0);
  const ok = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: bearer(READER.token) });
  t.equal(ok.statusCode, 200, 'the right token passes');
});

t.test('the trusted client header counts only from a TRUST_PROXY peer', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const header = 'x-authenticated-client';
  const trusted = await buildTestGateway(t, {
    upstream: upstream.baseUrl,
    clients: [READER],
    config: { trustProxy: '127.0.0.0/8', trustedClientHeader: header },
  });
  const viaProxy = await trusted.app.inject({ method: 'GET', url: '/v1/groups/g', headers: { [header]: READER.id }, remoteAddress: '127.0.0.1' });
  t.equal(viaProxy.statusCode, 200, 'peer inside TRUST_PROXY: the header names the client');
  const unknownId = await trusted.app.inject({ method: 'GET', url: '/v1/groups/g', headers: { [header]: 'nobody' }, remoteAddress: '127.0.0.1' });
  t.equal(unknownId.statusCode, 401);
  const outsider = await trusted.app.inject({ method: 'GET', url: '/v1/groups/g', headers: { [header]: READER.id }, remoteAddress: '10.1.2.3' });
  t.equal(outsider.statusCode, 401, 'peer outside TRUST_PROXY: the header is ignored');
  const spoofed = await trusted.app.inject({
    method: 'GET',
    url: '/v1/groups/g',
    headers: { [header]: READER.id, 'x-forwarded-for': '127.0.0.1' },
    remoteAddress: '10.1.2.3',
  });
  t.equal(spoofed.statusCode, 401, 'X-Forwarded-For does not make a peer trusted');

  const untrusting = await buildTestGateway(t, { upstream: upstream.baseUrl, clients: [READER], config: { trustedClientHeader: header } });
  const noProxy = await untrusting.app.inject({ method: 'GET', url: '/v1/groups/g', headers: { [header]: READER.id }, remoteAddress: '127.0.0.1' });
  t.equal(noProxy.statusCode, 401, 'without TRUST_PROXY nobody is trusted');
});

t.test('a client removed from the clients file is out within seconds, without a restart', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const file = join(t.testdir(), 'clients.json');
  const entry = (id: string, token: string) => ({ id, tokenSha256: tokenDigest(token), scopes: ['groups:read'], groups: ['*'], threatProfiles: ['*'] });
  writeFileSync(file, JSON.stringify({ clients: [entry(READER.id, READER.token), entry('svc-other', 'vtgw_other-token-00000000000000000000000')] }));
  const warnings: string[] = [];
  const registry = ClientRegistry.load(file, { info: () => {}, warn: (m) => warnings.push(m) });
  registry.watch({ pollIntervalMs: 20 });
  const { app } = await buildTestGateway(t, { upstream: upstream.baseUrl, registry });
  t.equal((await app.inject({ method: 'GET', url: '/v1/groups/g', headers: bearer(READER.token) })).statusCode, 200);

  writeFileSync(file, '{ not json');
  await new Promise((r) => setTimeout(r, 200));
  t.equal((await app.inject({ method: 'GET', url: '/v1/groups/g', headers: bearer(READER.token) })).statusCode, 200, 'a broken file keeps the last good set');

  writeFileSync(file, JSON.stringify({ clients: [entry('svc-other', 'vtgw_other-token-00000000000000000000000')] }));
  let status = 200;
  for (let i = 0; i < 250 && status === 200; i++) {
    await new Promise((r) => setTimeout(r, 20));
    status = (await app.inject({ method: 'GET', url: '/v1/groups/g', headers: bearer(READER.token) })).statusCode;
  }
  t.equal(status, 401, 'revoked');
  t.ok(warnings.length > 0, 'the broken file was reported');
});

t.test("a client token in x-apikey, where VirusTotal's own clients send their key; Bearer wins; never forwarded", async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app } = await buildTestGateway(t, { upstream: upstream.baseUrl, clients: [READER] });
  const viaApiKey = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: { 'x-apikey': READER.token } });
  t.equal(viaApiKey.statusCode, 200, 'a client token in x-apikey is accepted');
  t.equal(upstream.seen.at(-1)?.headers['x-apikey'], TEST_VT_KEY, "VirusTotal gets the gateway's key, never the caller's x-apikey");
  const vtKey = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: { 'x-apikey': 'f'.repeat(64) } });
  t.equal(vtKey.statusCode, 401);
  t.match(vtKey.json(), { error: { code: 'WrongCredentialsError', message: /x-apikey holds no client token of this gateway/ } });
  t.notOk(vtKey.body.includes('f'.repeat(64)), 'the refused value is not echoed');
  const bearerWins = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: { ...bearer('vtgw_wrong'), 'x-apikey': READER.token } });
  t.equal(bearerWins.statusCode, 401, 'a wrong bearer token is refused even beside a right x-apikey');
  const bearerRight = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: { ...bearer(READER.token), 'x-apikey': 'junk' } });
  t.equal(bearerRight.statusCode, 200, 'Authorization: Bearer wins when both are sent');
});

t.test('an empty trusted client header from a trusted peer falls back to the bearer token (real sockets)', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const header = 'x-authenticated-client';
  const gw = await buildTestGateway(t, {
    upstream: upstream.baseUrl,
    clients: [READER],
    config: { trustProxy: '127.0.0.0/8', trustedClientHeader: header },
  });
  await gw.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = gw.app.server.address() as AddressInfo;
  const send = (headerLine: string) =>
    rawRequest(port, `GET /v1/groups/g HTTP/1.1\r\nhost: 127.0.0.1\r\n${headerLine}connection: close\r\n\r\n`);
  const withToken = await send(`${header}:\r\nauthorization: Bearer ${READER.token}\r\n`);
  t.match(withToken, /^HTTP\/1\.1 200 /, 'the empty header is ignored, the bearer token counts');
  const spaces = await send(`${header}:   \r\nauthorization: Bearer ${READER.token}\r\n`);
  t.match(spaces, /^HTTP\/1\.1 200 /, 'blank counts as empty');
  const neither = await send(`${header}:\r\n`);
  t.match(neither, /^HTTP\/1\.1 401 /, 'an empty header authenticates nobody');
  t.equal(upstream.seen.length, 2);
});

/** One request on its own TCP connection, exactly as written; everything the gateway answers. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

t.test('one keep-alive connection: each request is judged by its own token, and a revoked token is out at once (real sockets)', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const other = { id: 'svc-other', token: 'vtgw_other-token-00000000000000000000000' };
  const file = join(t.testdir(), 'clients.json');
  const entry = (id: string, token: string) => ({ id, tokenSha256: tokenDigest(token), scopes: ['groups:read'], groups: ['*'], threatProfiles: ['*'] });
  writeFileSync(file, JSON.stringify({ clients: [entry(READER.id, READER.token), entry(other.id, other.token)] }));
  const registry = ClientRegistry.load(file, { info: () => {}, warn: () => {} });
  registry.watch({ pollIntervalMs: 20 });
  const { app } = await buildTestGateway(t, { upstream: upstream.baseUrl, registry });
  await app.listen({ port: 0, host: '127.0.0.1' });
  let connections = 0;
  app.server.on('connection', () => connections++);
  const connection = new Client(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, { pipelining: 1 });
  t.teardown(() => connection.close());
  const statusWith = async (headers: Record<string, string>): Promise<number> => {
    const res = await connection.request({ method: 'GET', path: '/v1/groups/g', headers });
    await res.body.dump();
    return res.statusCode;
  };

  t.equal(await statusWith(bearer(READER.token)), 200);
  t.equal(await statusWith(bearer(other.token)), 200, 'another client on the same connection');
  t.equal(await statusWith({ 'x-apikey': READER.token }), 200, 'the first token again, in x-apikey');
  t.equal(await statusWith(bearer('vtgw_wrong-token-000000000000000000000000')), 401, 'a wrong token after right ones on the same connection');
  t.equal(upstream.seen.length, 3, 'the refused request did not reach VirusTotal');
  t.equal(connections, 1, 'all of it over one connection (a 401 then closes it)');

  writeFileSync(file, JSON.stringify({ clients: [entry(other.id, other.token)] }));
  let status = 200;
  for (let i = 0; i < 100 && status === 200; i++) {
    await new Promise((r) => setTimeout(r, 20));
    status = await statusWith(bearer(READER.token));
  }
  t.equal(status, 401, 'the revoked token is refused on the connection that used it before');
  t.equal(await statusWith(bearer(other.token)), 200, 'the other client still passes');
});
