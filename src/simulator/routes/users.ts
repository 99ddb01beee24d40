import type { FastifyInstance } from 'fastify';
import { VtError } from '../errors.js';
import { requireUser } from '../lookups.js';
import { groupOfUser } from '../membership.js';
import { sendJson } from '../replies.js';
import { userObject } from '../user-view.js';
import { callerOf, type RouteContext } from './route-context.js';

interface UserParams {
  id: string;
}

/**
 * The parts of the user object the gateway's key-owner lookup uses: `GET /users/{id}` (the id may be an API key,
 * naming its own account) and the owner-only `groups` relationship.
 */
export function registerUserRoutes(api: FastifyInstance, context: RouteContext): void {
  const userNamed = (id: string): string => context.apiKeys.get(id) ?? id;

  api.get<{ Params: UserParams }>('/users/:id', async (request, reply) => {
    const caller = callerOf(context, request);
    const user = requireUser(context.state, userNamed(request.params.id));
    return sendJson(reply, { data: userObject(context.state, user, caller) });
  });

  api.get<{ Params: UserParams }>('/users/:id/relationships/groups', async (request, reply) => {
    const caller = callerOf(context, request);
    const username = userNamed(request.params.id);
    requireUser(context.state, username);
    if (username !== caller) throw new VtError(403, 'ForbiddenError', 'Only the owner can see the groups of a user');
    const group = groupOfUser(context.state, username);
    return sendJson(reply, { data: group === undefined ? [] : [{ type: 'group', id: group.id }], meta: { count: group === undefined ? 0 : 1 } });
  });
}
