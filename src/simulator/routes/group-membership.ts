import type { FastifyInstance } from 'fastify';
import { parseUserEmails } from '../bodies/user-emails.js';
import { requireAdmin, requireMember } from '../group-access.js';
import { requireGroup, requireUser } from '../lookups.js';
import { isGroupAdmin, isGroupMember } from '../membership.js';
import { addMembers, grantAdmins, removeMember, revokeAdmin } from '../membership-changes.js';
import { sendEmpty, sendJson } from '../replies.js';
import { callerOf, type GroupParams, type GroupUserParams, type RouteContext } from './route-context.js';

/** Adding, removing and checking members and administrators of a group. */
export function registerGroupMembershipRoutes(api: FastifyInstance, context: RouteContext): void {
  const { state } = context;

  api.post<{ Params: GroupParams }>('/groups/:id/relationships/users', async (request, reply) => {
    const caller = callerOf(context, request);
    const group = requireGroup(state, request.params.id);
    requireAdmin(group, caller);
    addMembers(state, group, parseUserEmails(request.body));
    return sendEmpty(reply);
  });

  api.post<{ Params: GroupParams }>('/groups/:id/relationships/administrators', async (request, reply) => {
    const caller = callerOf(context, request);
    const group = requireGroup(state, request.params.id);
    requireAdmin(group, caller);
    grantAdmins(state, group, parseUserEmails(request.body));
    return sendEmpty(reply);
  });

  api.delete<{ Params: GroupUserParams }>('/groups/:id/relationships/users/:userId', async (request, reply) => {
    const caller = callerOf(context, request);
    const group = requireGroup(state, request.params.id);
    requireAdmin(group, caller);
    removeMember(state, group, request.params.userId);
    return sendEmpty(reply);
  });

  api.delete<{ Params: GroupUserParams }>(
    '/groups/:id/relationships/administrators/:userId',
    async (request, reply) => {
      const caller = callerOf(context, request);
      const group = requireGroup(state, request.params.id);
      requireAdmin(group, caller);
      revokeAdmin(state, group, request.params.userId);
      return sendEmpty(reply);
    },
  );

  api.get<{ Params: GroupUserParams }>('/groups/:id/relationships/users/:userId', async (request, reply) => {
    const caller = callerOf(context, request);
    const group = requireGroup(state, request.params.id);
    requireMember(group, caller);
    const user = requireUser(state, request.params.userId);
    return sendJson(reply, { data: isGroupMember(group, user.id) });
  });

  api.get<{ Params: GroupUserParams }>(
    '/groups/:id/relationships/administrators/:userId',
    async (request, reply) => {
      const caller = callerOf(context, request);
      const group = requireGroup(state, request.params.id);
      requireMember(group, caller);
      const user = requireUser(state, request.params.userId);
      return sendJson(reply, { data: isGroupAdmin(group, user.id) });
    },
  );
}
