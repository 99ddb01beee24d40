/**
 * Target C of the benchmark: the thinnest proxy Fastify and undici make. It maps `/v1/*` to the upstream's
 * `/api/v3/*`, injects `x-apikey`, and hands back the status, content type, content length and body stream;
 * request bodies are read as bytes and sent on as they are. Nothing else: the floor a Node proxy can reach.
 * Environment: PORT, UPSTREAM_ORIGIN, VT_KEY.
 */
import Fastify from 'fastify';
import { Pool } from 'undici';

const port = Number(process.env.PORT);
const upstream = process.env.UPSTREAM_ORIGIN ?? '';
const key = process.env.VT_KEY ?? '';
if (!Number.isInteger(port) || port <= 0 || upstream === '' || key === '') {
  process.stderr.write('thin-proxy: PORT, UPSTREAM_ORIGIN and VT_KEY are required\n');
  process.exit(2);
}

const pool = new Pool(upstream);
const app = Fastify({ logger: false });
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
  done(null, body);
});
app.get('/healthz', async () => ({ status: 'ok' }));
app.all('/v1/*', async (request, reply) => {
  const type = request.headers['content-type'];
  const answer = await pool.request({
    method: request.method,
    path: `/api/v3${request.url.slice('/v1'.length)}`,
    headers: type === undefined ? { 'x-apikey': key } : { 'x-apikey': key, 'content-type': type },
    body: Buffer.isBuffer(request.body) ? request.body : null,
  });
  reply.code(answer.statusCode);
  for (const name of ['content-type', 'content-length'] as const) {
    const value = answer.headers[name];
    if (typeof value === 'string') reply.header(name, value);
  }
  return reply.send(answer.body);
});
await app.listen({ port, host: '127.0.0.1' });

const stop = (): void => {
  Promise.all([app.close(), pool.close()]).then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
