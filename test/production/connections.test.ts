import net from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { writeClientsFile } from '../helpers/clients-file.js';
import { TEST_VT_KEY } from '../helpers/config.js';
import { replyJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { spawnGateway } from '../helpers/gateway-process.js';
import { freePort } from '../helpers/redis.js';

/*
 * Connections cost the gateway descriptors and memory before anyone is authenticated: every listener caps them
 * (below `ulimit -n`), a connection that does not send its request in time is closed, a refused caller's connection
 * is closed with its 401, and running out of descriptors is survived.
 */

const TOKEN = 'vtgw_connections-test-token-000000000000000000000000';
const HEADERS_TIMEOUT_MS = 2000;
const OPEN_FILES = 1024;
const IDLE_CONNECTIONS = 1100;

interface Socketed {
  socket: net.Socket;
  /** Everything received, once the server closed the connection; with the time it took from `sentAt`. */
  closed: Promise<{ received: string; afterMs: number }>;
}

function connect(port: number, sentAt: () => number): Socketed {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
  socket.on('error', () => {});
  const closed = new Promise<{ received: string; afterMs: number }>((resolve) =>
    socket.on('close', () => resolve({ received, afterMs: performance.now() - sentAt() })),
  );
  return { socket, closed };
}

const connected = (socket: net.Socket): Promise<boolean> =>
  new Promise((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('close', () => resolve(false));
  });

t.test('connection limits of a gateway process under ulimit -n 1024', async (t) => {
  const upstream = await startFakeUpstream(replyJson(200, { data: { id: 'g1' } }));
  t.teardown(() => upstream.close());
  const dir = t.testdir();
  const mcpPort = await freePort();
  const gateway = await spawnGateway(
    {
      VT_API_BASE_URL: upstream.baseUrl,
      VIRUSTOTAL_API_KEY: TEST_VT_KEY,
      GATEWAY_CLIENTS_FILE: writeClientsFile(dir, TOKEN),
      AUDIT_LOG_PATH: join(dir, 'audit.log'),
      MCP_PORT: String(mcpPort),
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      RATE_LIMIT_READS_PER_MINUTE: '100000',
    },
    { openFiles: OPEN_FILES },
  );
  t.teardown(() => gateway.stop('SIGKILL'));
  const restPort = Number(new URL(gateway.url).port);

  t.test('the caps are lowered to fit the descriptor limit, said in one line', async (t) => {
    t.match(gateway.output(), /open-files limit \(ulimit -n\) 1024 .*caps lowered/);
  });

  t.test('a half-sent request on MCP_PORT is closed within the headers timeout', async (t) => {
    let sentAt = 0;
    const half = connect(mcpPort, () => sentAt);
    await connected(half.socket);
    sentAt = performance.now();
    half.socket.write('POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n');
    const guard = setTimeout(() => half.socket.destroy(), 20_000);
    const { afterMs } = await half.closed;
    clearTimeout(guard);
    t.ok(afterMs < HEADERS_TIMEOUT_MS + 1500, `closed after ${Math.round(afterMs)} ms (headers timeout ${HEADERS_TIMEOUT_MS} ms, checked every second)`);
  });

  for (const [channel, port, request] of [
    ['REST', () => restPort, 'GET /v1/groups/g1 HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n'],
    ['MCP', () => mcpPort, 'POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}'],
  ] as const) {
    t.test(`${channel}: a connection refused with 401 is closed, however the caller trickles`, async (t) => {
      let sentAt = 0;
      const refused = connect(port(), () => sentAt);
      await connected(refused.socket);
      sentAt = performance.now();
      refused.socket.write(request);
      // The start of a valid next request, a byte at a time: without the close it would hold the connection open.
      const next = `GET /v1/groups/g1 HTTP/1.1\r\nx-pad: ${'a'.repeat(1000)}`;
      let sent = 0;
      const trickle = setInterval(() => refused.socket.write(next.charAt(sent++)), 100);
      const guard = setTimeout(() => refused.socket.destroy(), 10_000);
      const { received, afterMs } = await refused.closed;
      clearInterval(trickle);
      clearTimeout(guard);
      t.match(received, /^HTTP\/1\.1 401 /);
      t.match(received, /connection: close/i);
      t.ok(afterMs < 1000, `closed ${Math.round(afterMs)} ms after the request`);
    });
  }

  t.test(`${IDLE_CONNECTIONS} idle connections neither crash nor wedge it`, async (t) => {
    const idle = Array.from({ length: IDLE_CONNECTIONS }, () => connect(restPort, () => 0));
    const opened = await Promise.all(idle.map((c) => connected(c.socket)));
    t.ok(opened.filter(Boolean).length >= IDLE_CONNECTIONS / 2, `${opened.filter(Boolean).length} connected`);
    const restCap = Number(/to REST (\d+)/.exec(gateway.output())?.[1]);
    // The gateway closes each one beyond the cap as it is accepted; on a busy machine the last closes reach these
    // sockets a while later, so they are counted until all have arrived or 5 s have passed.
    const cappedBy = async (until: number): Promise<number> => {
      const capped = idle.filter((c) => c.socket.destroyed).length;
      if (capped >= IDLE_CONNECTIONS - restCap || performance.now() > until) return capped;
      await new Promise((r) => setTimeout(r, 100));
      return cappedBy(until);
    };
    const capped = await cappedBy(performance.now() + 5000);
    t.ok(capped >= IDLE_CONNECTIONS - restCap, `${capped} beyond the REST cap of ${restCap} were closed by the gateway`);
    // Longer than a sampling interval of the overload check, which used to throw EMFILE out of the process.
    await new Promise((r) => setTimeout(r, 2200));
    t.equal(gateway.child.exitCode, null, 'still running');
    t.equal(gateway.child.signalCode, null, 'not killed');
    for (const c of idle) c.socket.destroy();
    await Promise.all(idle.map((c) => c.closed));
    const res = await fetch(`${gateway.url}/v1/groups/g1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    t.equal(res.status, 200, 'an authenticated request is answered once they are gone');
    await res.arrayBuffer();
    t.notMatch(gateway.output(), /EMFILE.*\n.*at /, 'no stack trace');
  });
});
