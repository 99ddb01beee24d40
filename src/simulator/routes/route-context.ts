import type { FastifyRequest } from 'fastify';
import { authenticate } from '../auth.js';
import { recordUsage } from '../api-usage.js';
import type { SimulatorState } from '../model.js';

// Usage is counted per route template, e.g. `/groups/:id/relationships/:relationship` (VirusTotal's names are not documented).
const API_PATH_PREFIX = /^\/api\/v3/;

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

/** Returns the username behind the request's API key, or throws the 401 VirusTotal gives; counts the call as its usage. */
export function callerOf(context: RouteContext, request: FastifyRequest): string {
  const caller = authenticate(request, context.apiKeys);
  recordUsage(context.state, caller, request.routeOptions.url?.replace(API_PATH_PREFIX, '') ?? request.url);
  return caller;
}
