import t from 'tap';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';

t.test('nothing but the catalog is proxied; unknown routes answer 404 NotFoundError', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl });
  const probes: [string, string][] = [
    ['GET', '/v1/files/abc'],
    ['DELETE', '/v1/users/user_1'], // deletes an account: never in the catalog
    ['GET', '/api/v3/groups/g'],
    ['PUT', '/v1/groups/g'],
    ['POST', '/v1/groups/g'],
    ['HEAD', '/v1/groups/g'],
    ['OPTIONS', '/v1/groups/g'],
    ['GET', '/v1/groups/g/relationships/users/u/extra'],
  ];
  for (const [method, url] of probes) {
    const res = await app.inject({ method: method as 'GET', url, headers: auth });
    t.equal(res.statusCode, 404, `${method} ${url}`);
    if (method !== 'HEAD') t.equal(res.json().error.code, 'NotFoundError');
  }
  const trailing = await app.inject({ method: 'GET', url: '/v1/groups/g/', headers: auth });
  t.equal(trailing.statusCode, 400, 'a trailing slash leaves an empty relationship name, refused');
  t.equal(upstream.seen.length, 0);
});

t.test('CORS for a listed origin: a browser tool may send the token as Authorization or as VirusTotal\'s x-apikey', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl, config: { corsOrigins: 'https://tools.example.com' } });
  const preflight = (origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/api/v3/groups/g',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-apikey' },
    });
  const allowed = await preflight('https://tools.example.com');
  t.equal(allowed.statusCode, 204);
  t.equal(allowed.headers['access-control-allow-origin'], 'https://tools.example.com');
  t.match(String(allowed.headers['access-control-allow-headers']).split(','), ['authorization', 'x-apikey', 'content-type', 'x-request-id']);
  t.equal((await preflight('https://evil.example')).headers['access-control-allow-origin'], undefined, 'an origin not listed gets none');
  const answer = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: { ...auth, origin: 'https://tools.example.com' } });
  t.equal(answer.headers['access-control-allow-origin'], 'https://tools.example.com');
  t.match(String(answer.headers['access-control-expose-headers']), /x-request-id/);
  t.equal(upstream.seen.filter((request) => request.method === 'OPTIONS').length, 0, 'a preflight never reaches VirusTotal');
});

t.test('response hygiene', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl });
  const res = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: { ...auth, origin: 'https://evil.example' } });
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  t.equal(res.headers['x-powered-by'], undefined);
  t.equal(res.headers['access-control-allow-origin'], undefined, 'no CORS by default');
  t.ok(res.headers['x-request-id']);
});
