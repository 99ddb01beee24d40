import type { FastifyInstance } from 'fastify';
import { parseRoleChanges } from '../bodies/role-changes.js';
import { requireAdmin } from '../group-access.js';
import { requireGroup } from '../lookups.js';
import { applyRoleChanges } from '../membership-changes.js';
import { sendEmpty } from '../replies.js';
import { callerOf, type GroupParams, type RouteContext } from './route-context.js';

/** PATCH /groups/{id}/relationships/users: members' roles and daily API allowance. */
export function registerGroupRoleRoutes(api: FastifyInstance, context: RouteContext): void {
  api.patch<{ Params: GroupParams }>('/groups/:id/relationships/users', async (request, reply) => {
    const caller = callerOf(context, request);
    const group = requireGroup(context.state, request.params.id);
    requireAdmin(group, caller);
    applyRoleChanges(context.state, group, parseRoleChanges(request.body));
    return sendEmpty(reply);
  });
}
