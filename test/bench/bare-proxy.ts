/**
 * Target B of the benchmark: what a user would pick instead of the gateway. A bare Fastify server with
 * @fastify/reply-from, as its README shows it, that maps `/v1/*` to the upstream's `/api/v3/*` and injects
 * `x-apikey`: no authentication, no validation, no limits, no audit, no metrics. Fastify's defaults throughout
 * (logger off, JSON bodies parsed and re-serialised by reply-from). Environment: PORT, UPSTREAM_ORIGIN, VT_KEY.
 */
import Fastify from 'fastify';
import replyFrom from '@fastify/reply-from';

const port = Number(process.env.PORT);
const upstream = process.env.UPSTREAM_ORIGIN ?? '';
const key = process.env.VT_KEY ?? '';
if (!Number.isInteger(port) || port <= 0 || upstream === '' || key === '') {
  process.stderr.write('bare-proxy: PORT, UPSTREAM_ORIGIN and VT_KEY are required\n');
  process.exit(2);
}

const app = Fastify({ logger: false });
await app.register(replyFrom, { base: upstream });
app.get('/healthz', async () => ({ status: 'ok' }));
app.all('/v1/*', (request, reply) =>
  reply.from(`/api/v3${request.url.slice('/v1'.length)}`, {
    rewriteRequestHeaders: (_req, headers) => ({ ...headers, 'x-apikey': key }),
  }),
);
await app.listen({ port, host: '127.0.0.1' });

const stop = (): void => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
