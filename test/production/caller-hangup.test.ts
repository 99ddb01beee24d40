import type { ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import t from 'tap';
import { replyJson, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway, type TestGateway } from '../helpers/gateway.js';

/*
 * Regression: a caller hanging up in the middle of a large streamed answer (> 64 KiB, piped through a
 * ResponseGuard) aborts undici's body, and that abort used to count as a VirusTotal failure for the circuit
 * breaker: a handful of callers closing their tabs opened the circuit and everyone got 503. Only a body that
 * VirusTotal itself breaks off may count.
 *
 * The breaker counts consecutive failures and every 200's headers count as a success, so N sequential broken
 * downloads would never add up (success, failure, success, failure...). The downloads here therefore all get
 * their headers first, and only then do they all break off together.
 */

const BIG = 4 * 1024 * 1024;
const FIRST = 256 * 1024;
const DRIP = 16 * 1024;
const THRESHOLD = 3;

interface Listening extends TestGateway {
  url: string;
  port: number;
  upstream: FakeUpstream;
}

async function listening(t: { teardown(fn: () => unknown): void }): Promise<Listening> {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const gateway = await buildTestGateway(t, {
    upstream: upstream.baseUrl,
    // A long open period: once open, the circuit stays open for every assertion below.
    config: { breakerFailureThreshold: THRESHOLD, breakerOpenMs: 60_000, upstreamRetries: 0, upstreamBodyTimeoutMs: 5_000 },
  });
  await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (gateway.app.server.address() as AddressInfo).port;
  return { ...gateway, upstream, port, url: `http://127.0.0.1:${port}` };
}

/** A large JSON answer of declared length: `FIRST` bytes at once, then the rest slowly, until done or hung up on. */
function slowBigBody(res: ServerResponse, opts: { onClose?: () => void } = {}): void {
  const body = Buffer.alloc(BIG, 0x20);
  body.write('{"data":"');
  body.write('"}', BIG - 2);
  res.on('close', () => opts.onClose?.());
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(BIG) });
  res.write(body.subarray(0, FIRST));
  let sent = FIRST;
  const drip = (): void => {
    if (res.destroyed) return;
    const next = Math.min(BIG, sent + DRIP);
    res.write(body.subarray(sent, next));
    sent = next;
    if (sent === BIG) res.end();
    else setTimeout(drip, 20);
  };
  setTimeout(drip, 20);
}

interface Download {
  /** Resolves with the status once the head and at least `minBodyBytes` of the body have arrived. */
  started: Promise<number>;
  /** Resolves once the connection is closed, by either side. */
  closed: Promise<void>;
  hangUp(): void;
}

/** A GET on a raw socket, so that the caller can vanish mid-body exactly as a closed tab or a killed curl does. */
function download(gw: Listening, path: string, minBodyBytes = 1024): Download {
  const socket = net.connect(gw.port, '127.0.0.1');
  socket.setTimeout(10_000, () => socket.destroy(new Error('download timed out')));
  const head = Object.entries(gw.auth)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${head}\r\n`));
  let received = Buffer.alloc(0);
  const started = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const split = received.indexOf('\r\n\r\n');
      if (split === -1 || received.length - split - 4 < minBodyBytes) return;
      socket.off('data', onData);
      socket.resume();
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received.toString('latin1'))?.[1] ?? 0));
    };
    socket.on('data', onData);
    socket.on('close', () => reject(new Error(`closed before the body started (${received.length} bytes)`)));
  });
  started.catch(() => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  return { started, closed, hangUp: () => socket.destroy() };
}

async function get(gw: Listening, path: string): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(gw.url + path, { headers: gw.auth });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

const errorCode = (body: string): string | undefined => (JSON.parse(body) as { error?: { code: string } }).error?.code;

t.test('callers hanging up mid-download do not open the circuit', async (t) => {
  const gw = await listening(t);
  const upstreamClosed: Promise<void>[] = [];
  gw.upstream.handle((req, res) => {
    if (req.url.endsWith('/big')) {
      upstreamClosed.push(new Promise<void>((resolve) => slowBigBody(res, { onClose: resolve })));
      return;
    }
    replyJson(200, { data: { id: 'small' } })(req, res);
  });

  const hangUps = THRESHOLD + 2;
  const downloads = Array.from({ length: hangUps }, () => download(gw, '/v1/groups/big'));
  const statuses = await Promise.all(downloads.map((d) => d.started));
  t.same(statuses, Array(hangUps).fill(200), 'every download is under way, its 200 already sent');
  t.equal(gw.upstream.seen.length, hangUps);
  t.equal(upstreamClosed.length, hangUps, 'VirusTotal is still sending all of them');

  for (const d of downloads) d.hangUp();
  await Promise.all(downloads.map((d) => d.closed));
  // The gateway noticed each hang-up and let go of VirusTotal's body (its connection closes): the moment a
  // hang-up would have been counted as a failure has passed.
  await Promise.all(upstreamClosed);
  await new Promise((r) => setTimeout(r, 20));

  t.equal((await gw.core.readiness()).upstream, undefined, `${hangUps} hang-ups (threshold ${THRESHOLD}) left the circuit closed`);
  const next = await get(gw, '/v1/groups/small');
  t.equal(next.status, 200, 'the next caller is served, not refused with 503');
  t.same(JSON.parse(next.body), { data: { id: 'small' } });
  t.equal(gw.upstream.seen.length, hangUps + 1, 'and its request reached VirusTotal');
  t.equal((await fetch(`${gw.url}/readyz`)).status, 200, 'still ready');
  t.equal((await gw.core.readiness()).upstream, undefined);
});

t.test('contrast: VirusTotal itself breaking off that many bodies does open the circuit', async (t) => {
  const gw = await listening(t);
  const responses: ServerResponse[] = [];
  gw.upstream.handle((req, res) => {
    if (req.url.endsWith('/big')) {
      responses.push(res);
      slowBigBody(res);
      return;
    }
    replyJson(200, { data: { id: 'small' } })(req, res);
  });

  const downloads = Array.from({ length: THRESHOLD }, () => download(gw, '/v1/groups/big'));
  const statuses = await Promise.all(downloads.map((d) => d.started));
  t.same(statuses, Array(THRESHOLD).fill(200), 'every download is under way');
  t.equal((await gw.core.readiness()).upstream, undefined, 'closed while the bodies flow');

  for (const res of responses) res.socket?.destroy();
  // The gateway cannot finish the answers it started: it breaks off each caller's connection in turn.
  await Promise.all(downloads.map((d) => d.closed));

  t.match((await gw.core.readiness()).upstream, /circuit to VirusTotal is open/, `${THRESHOLD} bodies broken off by VirusTotal opened the circuit`);
  const refused = await get(gw, '/v1/groups/small');
  t.equal(refused.status, 503);
  t.equal(errorCode(refused.body), 'TransientError');
  t.match(refused.headers.get('retry-after'), /^\d+$/);
  t.equal(gw.upstream.seen.length, THRESHOLD, 'the open circuit did not call VirusTotal');
  t.equal((await fetch(`${gw.url}/readyz`)).status, 503, 'not ready while open');
});

t.test('a write whose caller left while it waited for a connection to VirusTotal is never sent', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const held: ServerResponse[] = [];
  upstream.handle((req, res) => {
    if (req.method === 'GET') held.push(res);
    else replyJson(200, { data: true })(req, res);
  });
  const gw = await buildTestGateway(t, {
    upstream: upstream.baseUrl,
    config: { upstreamConnections: 1, upstreamRetries: 0, upstreamHeadersTimeoutMs: 10_000 },
  });
  await gw.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`;
  const first = fetch(`${url}/v1/groups/g1`, { headers: gw.auth });
  while (held.length === 0) await new Promise((r) => setTimeout(r, 10));
  const queued = fetch(`${url}/v1/groups/g1/relationships/users/u1`, {
    method: 'DELETE',
    headers: { ...gw.auth, 'x-request-id': 'queued-1' },
    signal: AbortSignal.timeout(200),
  });
  await t.rejects(queued, 'the caller gives up while the only connection is busy');
  await new Promise((r) => setTimeout(r, 100));
  replyJson(200, { data: { id: 'g1' } })(upstream.seen[0] ?? { method: 'GET', url: '', headers: {}, body: '' }, held[0] as ServerResponse);
  t.equal((await first).status, 200, 'the call ahead of it is answered');
  await new Promise((r) => setTimeout(r, 300));
  t.same(
    upstream.seen.map((r) => r.method),
    ['GET'],
    'the DELETE was not sent once the connection was free',
  );
  t.match(gw.auditLines().find((l) => l.requestId === 'queued-1' && l.outcome !== 'intent'), { outcome: 'cancelled', gatewayCode: 'GW_ERR_CALLER_GONE', upstreamStatus: null });
});
