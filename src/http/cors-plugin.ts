import cors from '@fastify/cors';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

/** CORS only for the configured origins; with none configured the gateway sends no CORS header at all. */
async function corsPlugin(app: FastifyInstance, opts: { origins: string[] }): Promise<void> {
  if (opts.origins.length === 0) return;
  await app.register(cors, {
    origin: opts.origins,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    // x-apikey: VirusTotal's own header, which the gateway takes as a client token (credentials.ts).
    allowedHeaders: ['authorization', 'x-apikey', 'content-type', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    maxAge: 600,
  });
}

export default fp(corsPlugin, { name: 'vt-gateway-cors' });
