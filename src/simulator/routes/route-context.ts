import type { FastifyRequest } from 'fastify';
import { authenticate } from '../auth.js';
import type { SimulatorState } from '../model.js';

export interface RouteContext {
  state: SimulatorState;
  apiKeys: ReadonlyMap<string, string>;
}

export interface GroupParams {
  id: string;
}

export interface GroupUserParams extends GroupParams {
  userId: string;
}

export interface RelationshipParams {
  id: string;
  relationship: string;
}

/** Returns the username behind the request's API key, or throws the 401 VirusTotal gives. */
export function callerOf(context: RouteContext, request: FastifyRequest): string {
  return authenticate(request, context.apiKeys);
}
