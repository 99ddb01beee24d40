import net from 'node:net';
import t from 'tap';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';

// Without retries: retrying and its backoff are tested in test/production/fault-injection.test.ts.

t.test('unreachable upstream: 502 BadGatewayError', async (t) => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const { app, auth } = await buildTestGateway(t, { upstream: `http://127.0.0.1:${port}/api/v3`, config: { upstreamRetries: 0 } });
  const res = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: auth });
  t.equal(res.statusCode, 502);
  t.match(res.json(), { error: { code: 'BadGatewayError', message: /could not be reached/ } });
});

t.test('slow upstream headers: 504 DeadlineExceededError', async (t) => {
  const upstream = await startFakeUpstream(() => {
    /* never answers */
  });
  t.teardown(() => upstream.close());
  const { app, auth } = await buildTestGateway(t, { upstream: upstream.baseUrl, config: { upstreamHeadersTimeoutMs: 200, upstreamRetries: 0 } });
  const res = await app.inject({ method: 'GET', url: '/v1/groups/g', headers: auth });
  t.equal(res.statusCode, 504);
  t.equal(res.json().error.code, 'DeadlineExceededError');
});
