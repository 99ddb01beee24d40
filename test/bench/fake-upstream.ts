/**
 * The benchmark's stand-in for VirusTotal, run as its own process (plain node:http, nothing else): as fast as a
 * local server can be, so that what the benchmark measures is the proxy in front of it.
 *
 *   GET  /api/v3/groups/big   a 10 MiB JSON body
 *   GET  anything else        a fixed JSON users descriptor list of about 1 KB
 *   POST anything             an empty 200, like VirusTotal's answer to a write (the request body is read first)
 *   GET  /healthz             200 without a key, for the benchmark to know it is up
 *
 * A request without the expected `x-apikey` is answered 401, so a proxy that forgets to inject it shows up as
 * non-2xx answers. Environment: PORT, VT_KEY.
 */
import http from 'node:http';

const port = Number(process.env.PORT);
const key = process.env.VT_KEY ?? '';
if (!Number.isInteger(port) || port <= 0 || key === '') {
  process.stderr.write('fake-upstream: PORT and VT_KEY are required\n');
  process.exit(2);
}

function usersList(): Buffer {
  const data = Array.from({ length: 12 }, (_, i) => ({ type: 'user', id: `user_${String(i).padStart(2, '0')}` }));
  const body = {
    data,
    meta: { count: 12, cursor: 'Cj0SN2dyb3VwX3VzZXJzL215X2dyb3VwX2lkL3VzZXJfMTE' },
    links: {
      self: 'https://www.virustotal.com/api/v3/groups/my_group_id/relationships/users?limit=12',
      next: 'https://www.virustotal.com/api/v3/groups/my_group_id/relationships/users?limit=12&cursor=Cj0SN2dyb3VwX3VzZXJzL215X2dyb3VwX2lkL3VzZXJfMTE',
    },
  };
  const text = JSON.stringify(body);
  // Pad to 1 KiB with a harmless attribute so that the size is exact and the body stays valid JSON.
  const padding = 1024 - Buffer.byteLength(text) - ',"padding":""'.length;
  return Buffer.from(JSON.stringify({ ...body, padding: 'x'.repeat(Math.max(0, padding)) }));
}

function bigGroup(bytes: number): Buffer {
  const head = '{"data":{"type":"group","id":"big","attributes":{"blob":"';
  const tail = '"}}}';
  const buf = Buffer.alloc(bytes, 'a');
  buf.write(head, 0);
  buf.write(tail, bytes - tail.length);
  return buf;
}

const SMALL = usersList();
const BIG = bigGroup(10 * 1024 * 1024);
const JSON_TYPE = 'application/json; charset=utf-8';

function reply(res: http.ServerResponse, status: number, body: Buffer | undefined): void {
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': String(body?.length ?? 0) });
  res.end(body);
}

const HEALTHY = Buffer.from('{"status":"ok"}');

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    reply(res, 200, HEALTHY);
    return;
  }
  if (req.headers['x-apikey'] !== key) {
    req.resume();
    reply(res, 401, Buffer.from('{"error":{"code":"WrongCredentialsError","message":"Wrong API key"}}'));
    return;
  }
  if (req.method === 'POST') {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    });
    return;
  }
  reply(res, 200, req.url === '/api/v3/groups/big' ? BIG : SMALL);
});
// Keep connections open between the benchmark's runs, as a real upstream behind a load balancer would.
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');

const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
