import type { FastifyInstance } from 'fastify';
import { parsePrincipals } from '../bodies/principals.js';
import { invalidArgument, notFound } from '../errors.js';
import { apiUrl } from '../links.js';
import { requireThreatProfile } from '../lookups.js';
import { paginate, parsePageRequest, type QueryParams } from '../paging.js';
import { sendEmpty, sendJson } from '../replies.js';
import { canReadProfile, requireProfileReader, requireProfileWriter } from '../threat-profile-access.js';
import {
  grantProfileAccess,
  isProfileRelationship,
  PROFILE_RELATIONSHIPS,
  revokeProfileAccess,
  type ProfileRelationship,
} from '../threat-profile-changes.js';
import { listProfileRelationship } from '../threat-profile-relationships.js';
import { filteredProfiles, threatProfileObject, type EmbeddedProfileRelationship } from '../threat-profile-view.js';
import { callerOf, type RelationshipParams, type RouteContext } from './route-context.js';

function requireRelationship(name: string): ProfileRelationship {
  if (!isProfileRelationship(name)) {
    throw notFound(`Relationship "${name}" not found for threat profiles; known: ${PROFILE_RELATIONSHIPS.join(', ')}`);
  }
  return name;
}

const EMBEDDABLE: readonly EmbeddedProfileRelationship[] = [...PROFILE_RELATIONSHIPS, 'recommendations'];

function embedded(query: QueryParams): EmbeddedProfileRelationship[] {
  const asked = query.relationships;
  if (asked === undefined) return [];
  if (Array.isArray(asked)) throw invalidArgument('Parameter "relationships" given more than once');
  return asked.split(',').map((name) => {
    const known = EMBEDDABLE.find((candidate) => candidate === name);
    if (known === undefined) throw invalidArgument(`Relationship "${name}" not found for threat profiles`);
    return known;
  });
}

/** The threat profiles themselves, and who may see and edit each: its editors and viewers relationships. */
export function registerThreatProfileRoutes(api: FastifyInstance, context: RouteContext): void {
  const { state } = context;

  api.get<{ Querystring: QueryParams }>('/threat_profiles', async (request, reply) => {
    const caller = callerOf(context, request);
    const filter = request.query.filter;
    if (Array.isArray(filter)) throw invalidArgument('Parameter "filter" given more than once');
    const readable = [...state.threatProfiles.values()].filter((profile) => canReadProfile(state, profile, caller));
    const profiles = filteredProfiles(readable, filter);
    if (profiles === undefined) throw invalidArgument(`Unsupported filter: "${filter ?? ''}"`);
    const page = parsePageRequest(request.query);
    const kept: Record<string, string> = filter === undefined ? {} : { filter };
    return sendJson(reply, paginate(profiles.map((profile) => threatProfileObject(profile)), page, apiUrl('threat_profiles'), kept));
  });

  api.get<{ Params: { id: string }; Querystring: QueryParams }>('/threat_profiles/:id', async (request, reply) => {
    const caller = callerOf(context, request);
    const profile = requireThreatProfile(state, request.params.id);
    requireProfileReader(state, profile, caller);
    return sendJson(reply, { data: threatProfileObject(profile, embedded(request.query)) });
  });

  for (const form of ['descriptors', 'objects'] as const) {
    const path =
      form === 'descriptors' ? '/threat_profiles/:id/relationships/:relationship' : '/threat_profiles/:id/:relationship';
    api.get<{ Params: RelationshipParams; Querystring: QueryParams }>(path, async (request, reply) => {
      const caller = callerOf(context, request);
      const { id } = request.params;
      const profile = requireThreatProfile(state, id);
      requireProfileReader(state, profile, caller);
      const relationship = request.params.relationship;
      // Readable like the access levels, and empty: no recommendations are simulated.
      const items = relationship === 'recommendations' ? [] : listProfileRelationship(state, profile, requireRelationship(relationship), caller, form);
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
