import type { Operation, ValidatedInput } from '../catalog/operation.js';
import type { GatewayError } from '../errors.js';
import type { Client } from '../security/client.js';

/** What the gateway learns about a request while serving it; read by the audit log and metrics. */
declare module 'fastify' {
  interface FastifyContextConfig {
    operation?: Operation;
  }
  interface FastifyRequest {
    client: Client | null;
    input: ValidatedInput | null;
    gatewayError: GatewayError | null;
    upstreamStatus: number | null;
    upstreamMs: number | null;
  }
}

export const requestStateDefaults = {
  client: null,
  input: null,
  gatewayError: null,
  upstreamStatus: null,
  upstreamMs: null,
} as const;
