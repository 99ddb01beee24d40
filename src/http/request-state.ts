import type { Operation } from '../catalog/operation.js';
import type { GatewayError } from '../errors.js';

/** What the gateway learns about a request while serving it; read by the audit log and metrics. */
declare module 'fastify' {
  interface FastifyRequest {
    gatewayError: GatewayError | null;
    operation: Operation | null;
    upstreamStatus: number | null;
    upstreamMs: number | null;
  }
}
