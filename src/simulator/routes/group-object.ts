import type { FastifyInstance } from 'fastify';
import { parseGroupPatch } from '../bodies/group-patch.js';
import { requireAdmin, requireMember } from '../group-access.js';
import { groupObject } from '../group-view.js';
import { requireGroup } from '../lookups.js';
import { sendJson } from '../replies.js';
import { callerOf, type GroupParams, type RouteContext } from './route-context.js';

export function registerGroupObjectRoutes(api: FastifyInstance, context: RouteContext): void {
  api.get<{ Params: GroupParams }>('/groups/:id', async (request, reply) => {
    const caller = callerOf(context, request);
    const group = requireGroup(context.state, request.params.id);
    requireMember(group, caller);
    return sendJson(reply, { data: groupObject(group, caller) });
  });

  api.patch<{ Params: GroupParams }>('/groups/:id', async (request, reply) => {
    const caller = callerOf(context, request);
    const group = requireGroup(context.state, request.params.id);
    requireAdmin(group, caller);
    Object.assign(group.attributes, parseGroupPatch(request.body, group.id));
    return sendJson(reply, { data: groupObject(group, caller) });
  });
}
