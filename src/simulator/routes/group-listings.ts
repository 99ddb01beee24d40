import type { FastifyInstance } from 'fastify';
import { requireMember } from '../group-access.js';
import { listGroupRelationship } from '../group-relationships.js';
import { apiUrl } from '../links.js';
import { requireGroup } from '../lookups.js';
import { paginate, parsePageRequest, type QueryParams } from '../paging.js';
import { sendJson } from '../replies.js';
import { callerOf, type RelationshipParams, type RouteContext } from './route-context.js';

/** GET /groups/{id}/relationships/{relationship} (descriptors) and GET /groups/{id}/{relationship} (objects). */
export function registerGroupListingRoutes(api: FastifyInstance, context: RouteContext): void {
  for (const form of ['descriptors', 'objects'] as const) {
    const path = form === 'descriptors' ? '/groups/:id/relationships/:relationship' : '/groups/:id/:relationship';
    api.get<{ Params: RelationshipParams; Querystring: QueryParams }>(path, async (request, reply) => {
      const caller = callerOf(context, request);
      const { id, relationship } = request.params;
      const group = requireGroup(context.state, id);
      requireMember(group, caller);
      const items = listGroupRelationship(context.state, group, relationship, caller, form);
      const page = parsePageRequest(request.query);
      const url =
        form === 'descriptors' ? apiUrl('groups', id, 'relationships', relationship) : apiUrl('groups', id, relationship);
      return sendJson(reply, paginate(items, page, url));
    });
  }
}
