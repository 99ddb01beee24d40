import type { ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import t from 'tap';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';

/*
 * A large answer streams at the caller's pace: while a caller does not read, the gateway stops reading VirusTotal,
 * so it holds a bounded amount of the body whatever its size. Measured where it shows: how much the upstream
 * managed to send (it writes only as fast as its socket drains).
 */

const BIG = 64 * 1024 * 1024;
const CHUNK = 64 * 1024;

/** A BIG answer of declared length, written as fast as the connection takes it; counts the bytes that left. */
function fastBigBody(res: ServerResponse, sent: { bytes: number }): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(BIG) });
  const chunk = Buffer.alloc(CHUNK, 0x20);
  const pump = (): void => {
    while (sent.bytes < BIG && !res.destroyed) {
      sent.bytes += CHUNK;
      if (sent.bytes >= BIG) {
        res.end(chunk);
        return;
      }
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

t.test('a caller that stops reading stops the upstream too; reading on, it gets every byte', async (t) => {
  const sent = { bytes: 0 };
  const upstream = await startFakeUpstream((_req, res) => fastBigBody(res, sent));
  t.teardown(() => upstream.close());
  const gateway = await buildTestGateway(t, { upstream: upstream.baseUrl, config: { upstreamMaxResponseBytes: 2 * BIG } });
  await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (gateway.app.server.address() as AddressInfo).port;

  const socket = net.connect(port, '127.0.0.1');
  t.teardown(() => socket.destroy());
  await new Promise((resolve) => socket.once('connect', resolve));
  let received = 0;
  const firstBytes = new Promise<void>((resolve) => {
    socket.once('data', (chunk: Buffer) => {
      received += chunk.length;
      socket.pause();
      resolve();
    });
  });
  socket.write(`GET /v1/groups/g/relationships/users HTTP/1.1\r\nhost: x\r\n${Object.entries(gateway.auth).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\nconnection: close\r\n\r\n`);
  await firstBytes;
  // The caller now reads nothing for a while; without backpressure the upstream would send all 64 MiB meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const whilePaused = sent.bytes;
  t.ok(whilePaused < 24 * 1024 * 1024, `the upstream sent ${(whilePaused / 1048576).toFixed(1)} MiB of 64 while the caller read nothing (socket buffers only)`);

  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
  });
  socket.resume();
  await new Promise((resolve) => socket.once('end', resolve));
  t.equal(sent.bytes, BIG, 'then the upstream sent it all');
  t.ok(received > BIG, `and the caller received the whole body (${received} bytes with headers)`);
});
