import t from 'tap';
import { TEST_VT_KEY } from '../helpers/config.js';
import { replyJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';

t.test("VirusTotal's status, content type and bytes come back unchanged", async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl });

  const raw = '{ "data" :{"id":"my_group_id","type":"group","attributes":{"organization":"Ünïcødé Ltd"}}}\n';
  upstream.handle((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(raw);
  });
  const ok = await app.inject({ method: 'GET', url: '/v1/groups/my_group_id', headers: auth });
  t.equal(ok.statusCode, 200);
  t.equal(ok.headers['content-type'], 'application/json; charset=utf-8');
  t.equal(ok.body, raw, 'byte for byte, whitespace included');

  for (const [status, code] of [
    [400, 'InvalidArgumentError'],
    [401, 'WrongCredentialsError'],
    [403, 'ForbiddenError'],
    [404, 'NotFoundError'],
    [409, 'AlreadyExistsError'],
    [429, 'QuotaExceededError'],
    [503, 'TransientError'],
  ] as const) {
    upstream.handle(replyJson(status, { error: { code, message: `upstream says ${code}` } }));
    const res = await app.inject({ method: 'GET', url: '/v1/groups/my_group_id', headers: auth });
    t.equal(res.statusCode, status, `${status} passed through`);
    t.same(res.json(), { error: { code, message: `upstream says ${code}` } });
  }
});

t.test('the documented response types never reshape an answer: fields VirusTotal adds or types differently pass unchanged', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl });
  const answers: Record<string, string> = {
    '/v1/groups/my_group_id/users':
      '{"data":[{"type":"user","id":"u1","attributes":{"reputation":"high","quotas":"none","new_field":[1,2]},"context_attributes":{"roles":"admin"}},{"type":"graph","id":"g1"}],"meta":{"count":"two"},"links":{"self":7}}',
    '/v1/groups/my_group_id/relationships/users': '{"data":[{"type":"user","id":"u1","context_attributes":{"quota_limits":{"api_requests_daily":{"allowed":"10"}}},"extra":true}]}',
    '/v1/users/user_1': '{"data":{"type":"user","id":"user_1","attributes":{"user_since":"yesterday","privileges":[]}},"meta":{}}',
    '/v1/groups/my_group_id': '{"data":{"type":"not-a-group","id":3,"attributes":null}}',
  };
  for (const [url, raw] of Object.entries(answers)) {
    upstream.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(raw);
    });
    const res = await app.inject({ method: 'GET', url, headers: auth });
    t.equal(res.statusCode, 200, url);
    t.equal(res.body, raw, `${url}: byte for byte`);
  }
});

t.test('an empty 200 body stays empty', async (t) => {
  const upstream = await startFakeUpstream((_req, res) => {
    res.writeHead(200);
    res.end();
  });
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl });
  const res = await app.inject({ method: 'DELETE', url: '/v1/groups/g/relationships/users/user_1', headers: auth });
  t.equal(res.statusCode, 200);
  t.equal(res.body, '');
  t.equal(res.headers['content-type'], undefined, 'no content type is invented');
});

t.test('a redirect is never followed', async (t) => {
  const upstream = await startFakeUpstream((_req, res) => {
    res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
    res.end();
  });
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl });
  const res = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: auth });
  t.equal(res.statusCode, 502);
  t.equal(res.json().error.code, 'BadGatewayError');
  t.equal(res.headers.location, undefined);
  t.equal(upstream.seen.length, 1, 'the redirect target is not requested');
});

t.test('a response larger than the cap is refused', async (t) => {
  const upstream = await startFakeUpstream(replyJson(200, { data: 'x'.repeat(4096) }));
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl, config: { upstreamMaxResponseBytes: 2048 } });
  const res = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: auth });
  t.equal(res.statusCode, 502);
  t.match(res.json(), { error: { code: 'BadGatewayError', message: /exceeded 2048 bytes/ } });
});

t.test('the key never comes back, even if VirusTotal echoes it, across chunk boundaries', async (t) => {
  const upstream = await startFakeUpstream((req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    const text = JSON.stringify({ error: { code: 'BadRequestError', message: `bad key ${String(req.headers['x-apikey'])}!` } });
    const cut = text.indexOf(TEST_VT_KEY) + 7;
    res.write(text.slice(0, cut));
    setTimeout(() => res.end(text.slice(cut)), 20);
  });
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl });
  const res = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: auth });
  t.equal(res.statusCode, 400);
  t.notOk(res.body.includes(TEST_VT_KEY), 'key not in the body');
  t.same(res.json(), { error: { code: 'BadRequestError', message: 'bad key [REDACTED]!' } });
});
