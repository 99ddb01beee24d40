import type { FastifyInstance } from 'fastify';
import { parsePrincipals } from '../bodies/principals.js';
import { notFound } from '../errors.js';
import { apiUrl } from '../links.js';
import { requireThreatProfile } from '../lookups.js';
import { paginate, parsePageRequest, type QueryParams } from '../paging.js';
import { sendEmpty, sendJson } from '../replies.js';
import { requireProfileReader, requireProfileWriter } from '../threat-profile-access.js';
import {
  grantProfileAccess,
  isProfileRelationship,
  PROFILE_RELATIONSHIPS,
  revokeProfileAccess,
  type ProfileRelationship,
} from '../threat-profile-changes.js';
import { listProfileRelationship } from '../threat-profile-relationships.js';
import { callerOf, type RelationshipParams, type RouteContext } from './route-context.js';

function requireRelationship(name: string): ProfileRelationship {
  if (!isProfileRelationship(name)) {
    throw notFound(`Relationship "${name}" not found for threat profiles; known: ${PROFILE_RELATIONSHIPS.join(', ')}`);
  }
  return name;
}

/** Who may see and edit a threat profile: its editors and viewers relationships. */
export function registerThreatProfileRoutes(api: FastifyInstance, context: RouteContext): void {
  const { state } = context;

  for (const form of ['descriptors', 'objects'] as const) {
    const path =
      form === 'descriptors' ? '/threat_profiles/:id/relationships/:relationship' : '/threat_profiles/:id/:relationship';
    api.get<{ Params: RelationshipParams; Querystring: QueryParams }>(path, async (request, reply) => {
      const caller = callerOf(context, request);
      const { id } = request.params;
      const profile = requireThreatProfile(state, id);
      requireProfileReader(state, profile, caller);
      const relationship = requireRelationship(request.params.relationship);
      const items = listProfileRelationship(state, profile, relationship, caller, form);
      const page = parsePageRequest(request.query);
      const url =
        form === 'descriptors'
          ? apiUrl('threat_profiles', id, 'relationships', relationship)
          : apiUrl('threat_profiles', id, relationship);
      return sendJson(reply, paginate(items, page, url));
    });
  }

  api.post<{ Params: RelationshipParams }>('/threat_profiles/:id/relationships/:relationship', async (request, reply) => {
    const caller = callerOf(context, request);
    const profile = requireThreatProfile(state, request.params.id);
    requireProfileWriter(state, profile, caller);
    const relationship = requireRelationship(request.params.relationship);
    grantProfileAccess(state, profile, relationship, parsePrincipals(request.body));
    return sendEmpty(reply);
  });

  api.delete<{ Params: RelationshipParams }>(
    '/threat_profiles/:id/relationships/:relationship',
    async (request, reply) => {
      const caller = callerOf(context, request);
      const profile = requireThreatProfile(state, request.params.id);
      requireProfileWriter(state, profile, caller);
      const relationship = requireRelationship(request.params.relationship);
      revokeProfileAccess(state, profile, relationship, parsePrincipals(request.body));
      return sendEmpty(reply);
    },
  );
}
