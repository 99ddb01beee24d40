import { connect, type AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import t from 'tap';
import { startFakeUpstream, replyJson, type FakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway, type TestGateway } from '../helpers/gateway.js';

interface Listening extends TestGateway {
  url: string;
  upstream: FakeUpstream;
}

async function listening(t: { teardown(fn: () => unknown): void }, config: Parameters<typeof buildTestGateway>[1]['config'] = {}): Promise<Listening> {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const gateway = await buildTestGateway(t, {
    upstream: upstream.baseUrl,
    config: { upstreamHeadersTimeoutMs: 300, upstreamBodyTimeoutMs: 300, upstreamRetryBaseMs: 10, breakerOpenMs: 300, ...config },
  });
  await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  return { ...gateway, upstream, url: `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}` };
}

async function get(gw: Listening, path: string): Promise<{ status: number; body: string; headers: Headers; id: string }> {
  const res = await fetch(gw.url + path, { headers: gw.auth });
  const body = await res.text();
  return { status: res.status, body, headers: res.headers, id: res.headers.get('x-request-id') ?? '' };
}

const vtError = (body: string): { code: string; message: string } | undefined => (JSON.parse(body) as { error?: { code: string; message: string } }).error;

t.test('refused connections: 502 after the retries, audited', async (t) => {
  const gw = await listening(t, { vtApiBaseUrl: 'http://127.0.0.1:1/api/v3', breakerFailureThreshold: 100 });
  const res = await get(gw, '/v1/groups/g');
  t.equal(res.status, 502);
  t.equal(vtError(res.body)?.code, 'BadGatewayError');
  t.match(gw.auditLines().find((l) => l.requestId === res.id), { outcome: 'failed', status: 502, errorCode: 'BadGatewayError' });
});

t.test('slow headers: 504, while other requests keep being served', async (t) => {
  const gw = await listening(t, { upstreamRetries: 0 });
  gw.upstream.handle((req, res) => {
    if (req.url.includes('/slow')) return;
    replyJson(200, { data: 'fast' })(req, res);
  });
  const slow = Array.from({ length: 5 }, () => get(gw, '/v1/groups/slow'));
  const fast = await get(gw, '/v1/groups/fast');
  t.equal(fast.status, 200, 'a healthy request is answered while five hang');
  for (const res of await Promise.all(slow)) {
    t.equal(res.status, 504);
    t.equal(vtError(res.body)?.code, 'DeadlineExceededError');
  }
  t.equal(gw.auditLines().filter((l) => l.status === 504).length, 5, 'each timeout audited');
});

t.test('slow body and a reset mid-body: the caller sees the break, the audit says so', async (t) => {
  const gw = await listening(t);
  const prefix = `{"data":[${'"x",'.repeat(300)}`;
  gw.upstream.handle((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(req.url.includes('/early') ? '{"data":[' : prefix);
    if (!req.url.includes('/stall')) setTimeout(() => res.socket?.destroy(), 20);
  });
  for (const path of ['/v1/groups/stall', '/v1/groups/reset']) {
    const res = await fetch(gw.url + path, { headers: gw.auth });
    t.equal(res.status, 200, `${path}: the status and the first bytes were already on their way`);
    await t.rejects(res.text(), `${path}: the body breaks off instead of ending as if complete`);
    const id = res.headers.get('x-request-id');
    await new Promise((r) => setTimeout(r, 50));
    const lines = gw.auditLines().filter((l) => l.requestId === id);
    const cause = path.endsWith('/stall') ? 'DeadlineExceededError' : 'BadGatewayError';
    t.same(lines.map((l) => [l.outcome, l.errorCode]), [['ok', null], ['failed', cause]], `${path}: sent, then ${path.endsWith('/stall') ? 'stalled' : 'broke off'}`);
  }
  const early = await get(gw, '/v1/groups/early');
  t.equal(early.status, 502, 'broken off before any byte left: a clean 502');
  t.equal(vtError(early.body)?.code, 'BadGatewayError');
  t.match(gw.auditLines().filter((l) => l.requestId === early.id).at(-1), { outcome: 'failed', status: 502 });
  t.equal((await fetch(`${gw.url}/healthz`)).status, 200);
});

t.test("a write VirusTotal answered 200 before its body broke off: the caller and the audit line both know the status", async (t) => {
  const gw = await listening(t, { upstreamRetries: 0, breakerFailureThreshold: 1, breakerOpenMs: 60_000 });
  gw.upstream.handle((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
    res.write('{"data":{"id":"g","type":"group"');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  const res = await fetch(`${gw.url}/v1/groups/g`, {
    method: 'PATCH',
    headers: { ...gw.auth, 'content-type': 'application/json', 'x-request-id': 'broken-write' },
    body: '{"data":{"id":"g","type":"group","attributes":{"auto_add_users":["*@example.com"]}}}',
  });
  t.equal(res.status, 502);
  t.match(vtError(await res.text()), { code: 'BadGatewayError', message: /broke off mid-body \(VirusTotal had answered 200\)/ });
  const outcome = gw.auditLines().find((l) => l.requestId === 'broken-write' && l.outcome !== 'intent');
  t.match(outcome, { outcome: 'failed', status: 502, upstreamStatus: 200, keyFingerprint: /^[0-9a-f]+$/ }, 'VirusTotal had accepted it: the line says so');

  const refused = await get(gw, '/v1/groups/g');
  t.equal(refused.status, 503, 'the circuit is open after the failure');
  const line = gw.auditLines().find((l) => l.requestId === refused.id);
  t.match(line, { gatewayCode: 'GW_ERR_CIRCUIT_OPEN', upstreamStatus: null });
  t.notOk(line !== undefined && 'keyFingerprint' in line, 'a call never sent names no key');
});

t.test('the body timeout is a pause between chunks, not a limit on the whole body', async (t) => {
  const gw = await listening(t, { upstreamRetries: 0 });
  const chunks = 8;
  gw.upstream.handle((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"data":[0');
    let sent = 0;
    const drip = setInterval(() => {
      res.write(`,${++sent}`);
      if (sent < chunks) return;
      clearInterval(drip);
      res.end(']}');
    }, 100);
  });
  const started = performance.now();
  const res = await get(gw, '/v1/groups/trickle');
  t.equal(res.status, 200);
  t.same(JSON.parse(res.body), { data: [0, 1, 2, 3, 4, 5, 6, 7, 8] }, 'every chunk arrived, over more than the 300 ms body timeout');
  t.ok(performance.now() - started > 600, 'the body took longer than the timeout in all');
});

t.test('a caller that reads slowly is not cut off by the body timeout while VirusTotal waits for it', async (t) => {
  const gw = await listening(t, { upstreamRetries: 0 });
  // More than loopback's socket buffers hold, so that the gateway stops reading VirusTotal while the caller pauses.
  const big = Buffer.alloc(24 * 1024 * 1024, 'x');
  gw.upstream.handle((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(big.length) });
    res.end(big);
  });
  const port = new URL(gw.url).port;
  const received = await new Promise<number>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(bytes));
    socket.write(`GET /v1/groups/big HTTP/1.1\r\nhost: x\r\nauthorization: ${gw.auth.authorization}\r\nconnection: close\r\n\r\n`);
    socket.pause();
    setTimeout(() => socket.resume(), 1500);
  });
  t.ok(received > big.length, `the whole body arrived after a 1.5 s pause by the caller (${received} bytes with the head)`);
  await new Promise((r) => setTimeout(r, 50));
  t.same(
    gw.auditLines().filter((l) => l.path === '/v1/groups/big').map((l) => l.outcome),
    ['ok'],
    'one line, and no break-off recorded',
  );
});

t.test('a caller that reads nothing is cut off after CALLER_READ_TIMEOUT_MS, and the connection to VirusTotal is freed', async (t) => {
  const gw = await listening(t, { upstreamRetries: 0, callerReadTimeoutMs: 300, upstreamBodyTimeoutMs: 10_000, breakerFailureThreshold: 1 });
  // Strings in it, as in any JSON: the answer flows on chunk by chunk, and waits when the caller does.
  const big = Buffer.alloc(24 * 1024 * 1024, '"x",');
  let upstreamClosed = false;
  gw.upstream.handle((_req, res) => {
    res.on('close', () => (upstreamClosed = true));
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(big.length) });
    res.end(big);
  });
  const port = new URL(gw.url).port;
  const socket = connect(Number(port), '127.0.0.1');
  socket.on('error', () => {});
  let received = 0;
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(`GET /v1/groups/big HTTP/1.1\r\nhost: x\r\nauthorization: ${gw.auth.authorization}\r\nx-request-id: reads-nothing\r\n\r\n`);
  socket.pause();
  for (let waited = 0; waited < 8000 && !upstreamClosed; waited += 50) await new Promise((r) => setTimeout(r, 50));
  t.ok(upstreamClosed, "VirusTotal's connection for it was given up while the caller read nothing");
  // A paused socket notices the gateway's close only once it reads again.
  socket.resume();
  const ended = await Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 8000))]);
  socket.destroy();
  t.ok(ended, 'the caller finds its connection closed');
  t.ok(received < big.length, `and the answer cut off (${received} of ${big.length} bytes)`);
  t.match(gw.auditLines().filter((l) => l.requestId === 'reads-nothing').at(-1), { gatewayCode: 'GW_ERR_CALLER_TOO_SLOW', outcome: 'cancelled', upstreamStatus: 200 });
  t.equal((await gw.core.readiness()).upstream, undefined, 'a slow caller is not counted against VirusTotal (threshold 1)');
  gw.upstream.handle(replyJson(200, { data: 'next' }));
  t.equal((await get(gw, '/v1/groups/next')).status, 200);
});

t.test('a request that waits for a free connection longer than the headers timeout: 503, never sent, not held against VirusTotal', async (t) => {
  const gw = await listening(t, { upstreamRetries: 2, upstreamConnections: 1, upstreamHeadersTimeoutMs: 300, upstreamBodyTimeoutMs: 5000, breakerFailureThreshold: 1 });
  gw.upstream.handle((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    if (!req.url.includes('/holding')) {
      res.end('{"data":"queued"}');
      return;
    }
    // Headers at once, then a drip of the body: the only connection stays busy for about 1.5 s.
    res.write('{"data":[');
    let left = 15;
    const drip = setInterval(() => {
      left -= 1;
      if (left > 0) res.write('"x",');
      else {
        clearInterval(drip);
        res.end('"x"]}');
      }
    }, 100);
  });
  const holding = fetch(`${gw.url}/v1/groups/holding`, { headers: gw.auth }).then((r) => r.text());
  await new Promise((r) => setTimeout(r, 50));
  const started = performance.now();
  const queued = await get(gw, '/v1/groups/queued');
  t.equal(queued.status, 503, 'answered while the connection is still busy');
  t.ok(performance.now() - started < 1200, 'within the headers timeout and a sweep or two, not retried');
  t.match(vtError(queued.body), { code: 'TransientError', message: /No connection to VirusTotal came free within 300 ms/ });
  t.equal(queued.headers.get('retry-after'), '1');
  t.match(gw.auditLines().find((l) => l.requestId === queued.id), { gatewayCode: 'GW_ERR_UPSTREAM_BUSY', upstreamStatus: null });
  t.notOk('keyFingerprint' in (gw.auditLines().find((l) => l.requestId === queued.id) ?? {}), 'no key named: nothing was sent');
  t.equal((await gw.core.readiness()).upstream, undefined, 'the circuit stays closed (threshold 1): VirusTotal did nothing wrong');
  await holding;
  await new Promise((r) => setTimeout(r, 200));
  t.same(gw.upstream.seen.map((r) => r.url), ['/api/v3/groups/holding'], 'the expired request was not sent once the connection came free');
  t.equal((await get(gw, '/v1/groups/after')).status, 200);
  t.equal(gw.upstream.connectionCount(), 1, 'dropping the expired request kept the connection: the next call reused it');
});

t.test('a burst of 503s: GETs are retried, writes never', async (t) => {
  const gw = await listening(t);
  let failuresLeft = 2;
  gw.upstream.handle((req, res) => {
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      replyJson(503, { error: { code: 'TransientError', message: 'try again' } })(req, res);
      return;
    }
    replyJson(200, { data: true })(req, res);
  });
  const read = await get(gw, '/v1/groups/g/relationships/users/u');
  t.equal(read.status, 200, 'the GET succeeded on its third attempt');
  t.equal(gw.upstream.seen.length, 3);

  failuresLeft = 1;
  const write = await fetch(`${gw.url}/v1/groups/g/relationships/users/u`, { method: 'DELETE', headers: gw.auth });
  t.equal(write.status, 503, "the DELETE's 503 is passed through");
  t.equal(gw.upstream.seen.length, 4, 'and it was sent once');
});

t.test("VirusTotal's 429 passes through unchanged and is never retried", async (t) => {
  const gw = await listening(t);
  const quota = { error: { code: 'QuotaExceededError', message: 'daily quota exceeded' } };
  gw.upstream.handle(replyJson(429, quota, { 'retry-after': '30' }));
  const withRetryAfter = await get(gw, '/v1/groups/g');
  t.equal(withRetryAfter.status, 429);
  t.same(JSON.parse(withRetryAfter.body), quota);
  t.equal(withRetryAfter.headers.get('retry-after'), '30');
  gw.upstream.handle(replyJson(429, quota));
  const without = await get(gw, '/v1/groups/g');
  t.equal(without.status, 429);
  t.equal(without.headers.get('retry-after'), null, 'no Retry-After invented');
  t.equal(gw.upstream.seen.length, 2, 'one upstream call each');
});

t.test('the circuit opens after consecutive failures, answers 503 fast, closes after a good probe', async (t) => {
  const gw = await listening(t, { breakerFailureThreshold: 3, upstreamRetries: 0 });
  let healthy = false;
  gw.upstream.handle((req, res) => (healthy ? replyJson(200, { data: true }) : replyJson(500, { error: { code: 'X', message: 'boom' } }))(req, res));
  for (let i = 0; i < 3; i++) t.equal((await get(gw, '/v1/groups/g')).status, 500, 'failures pass through');
  const open = await get(gw, '/v1/groups/g');
  t.equal(open.status, 503);
  t.equal(vtError(open.body)?.code, 'TransientError');
  t.match(open.headers.get('retry-after'), /^\d+$/);
  t.equal(gw.upstream.seen.length, 3, 'the open circuit did not call VirusTotal');
  t.equal((await fetch(`${gw.url}/readyz`)).status, 503, 'not ready while open');
  healthy = true;
  await new Promise((r) => setTimeout(r, 350));
  t.equal((await get(gw, '/v1/groups/g')).status, 200, 'the probe succeeds');
  t.equal((await get(gw, '/v1/groups/g')).status, 200, 'closed again');
  t.equal((await fetch(`${gw.url}/readyz`)).status, 200);
});

t.test('memory stays bounded over many failing requests', async (t) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const gw = await listening(t, { upstreamRetries: 0, breakerFailureThreshold: 1_000_000 });
  gw.upstream.handle((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"data":[');
    setTimeout(() => res.socket?.destroy(), 1);
  });
  const round = async () => {
    for (let i = 0; i < 300; i++) {
      const res = await fetch(`${gw.url}/v1/groups/g`, { headers: gw.auth });
      await res.text().catch(() => undefined);
    }
  };
  await round();
  gc();
  const before = process.memoryUsage().heapUsed;
  await round();
  await round();
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  t.comment(`heap growth over 600 broken responses: ${(grown / 1024 / 1024).toFixed(1)} MiB`);
  t.ok(grown < 16 * 1024 * 1024, 'less than 16 MiB');
});
