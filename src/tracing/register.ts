// Loaded with `node --import` before the gateway's own modules, so that Fastify and undici are instrumented when they
// load. With tracing off it imports nothing of OpenTelemetry.
import { tracingRequested } from './enabled.js';

if (tracingRequested(process.env)) {
  const { startTracing } = await import('./start.js');
  startTracing();
}
