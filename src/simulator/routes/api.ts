import type { FastifyInstance } from 'fastify';
import { registerGroupListingRoutes } from './group-listings.js';
import { registerGroupMembershipRoutes } from './group-membership.js';
import { registerGroupObjectRoutes } from './group-object.js';
import { registerGroupRoleRoutes } from './group-roles.js';
import type { RouteContext } from './route-context.js';
import { registerServiceAccountRoutes } from './service-accounts.js';
import { registerThreatProfileRoutes } from './threat-profiles.js';
import { registerUserRoutes } from './users.js';

export const API_PREFIX = '/api/v3';

/** Every VirusTotal endpoint the simulator serves; register with `{ prefix: API_PREFIX }`. */
export function apiRoutes(context: RouteContext) {
  return async function registerApiRoutes(api: FastifyInstance): Promise<void> {
    registerGroupObjectRoutes(api, context);
    registerGroupMembershipRoutes(api, context);
    registerGroupRoleRoutes(api, context);
    registerGroupListingRoutes(api, context);
    registerServiceAccountRoutes(api, context);
    registerThreatProfileRoutes(api, context);
    registerUserRoutes(api, context);
  };
}
