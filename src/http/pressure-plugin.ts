import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors.js';

export interface PressureOptions {
  maxEventLoopDelayMs: number;
  maxHeapUsedBytes: number;
}

/** While the process is overloaded, refuse early and cheaply (503, Retry-After) instead of queueing everything. */
async function pressurePlugin(app: FastifyInstance, opts: PressureOptions): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: opts.maxEventLoopDelayMs,
    maxHeapUsedBytes: opts.maxHeapUsedBytes,
    retryAfter: 5,
    pressureHandler: (_request, reply, type, value) => {
      void reply.send(new GatewayError('GW_ERR_OVERLOADED', `The gateway is overloaded (${type}: ${String(value)}); retry shortly`, { 'retry-after': '5' }));
    },
  });
}

export default fp(pressurePlugin, { name: 'vt-gateway-pressure' });
