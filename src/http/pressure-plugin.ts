import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors.js';

export interface PressureOptions {
  maxEventLoopDelayMs: number;
  maxHeapUsedBytes: number;
}

const SAMPLE_INTERVAL_MS = 1000;
const RESOLUTION_MS = 10;

/**
 * While the process is overloaded, refuse early and cheaply (503, Retry-After) instead of queueing everything.
 * Sampled from V8 and the event loop only: process.memoryUsage() (what @fastify/under-pressure samples) opens
 * /proc/self/stat and throws EMFILE out of a timer once descriptors run out, which killed the process.
 */
async function pressurePlugin(app: FastifyInstance, opts: PressureOptions): Promise<void> {
  if (opts.maxEventLoopDelayMs === 0 && opts.maxHeapUsedBytes === 0) return;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let overload: string | undefined;
  const sample = (first = false): void => {
    // No sample at all in an interval means the loop was blocked for all of it.
    const delayMs = first ? 0 : Number.isNaN(histogram.mean) ? Infinity : Math.max(0, histogram.mean / 1e6 - RESOLUTION_MS);
    histogram.reset();
    const heapUsed = getHeapStatistics().used_heap_size;
    if (opts.maxEventLoopDelayMs > 0 && delayMs > opts.maxEventLoopDelayMs) overload = `eventLoopDelay: ${Math.round(delayMs)}`;
    else if (opts.maxHeapUsedBytes > 0 && heapUsed > opts.maxHeapUsedBytes) overload = `heapUsedBytes: ${heapUsed}`;
    else overload = undefined;
  };
  sample(true);
  const timer = setInterval(sample, SAMPLE_INTERVAL_MS).unref();
  app.addHook('onClose', (_app, done) => {
    clearInterval(timer);
    histogram.disable();
    done();
  });
  app.addHook('onRequest', (_request, _reply, done) => {
    if (overload === undefined) done();
    else done(new GatewayError('GW_ERR_OVERLOADED', `The gateway is overloaded (${overload}); retry shortly`, { 'retry-after': '5' }));
  });
}

export default fp(pressurePlugin, { name: 'vt-gateway-pressure' });
