import type { FastifyInstance } from 'fastify';
import { usageReport } from '../api-usage.js';
import { isRecord, parseJsonBody } from '../bodies/json-body.js';
import { badRequest, forbidden, invalidArgument, notFound } from '../errors.js';
import { apiUrl } from '../links.js';
import { requireUser } from '../lookups.js';
import { groupOfUser, isGroupAdmin } from '../membership.js';
import type { SimGroup, SimulatorState, SimUser } from '../model.js';
import { paginate, parsePageRequest, type QueryParams } from '../paging.js';
import { sendJson } from '../replies.js';
import { groupObject } from '../group-view.js';
import { userObject } from '../user-view.js';
import { callerOf, type RouteContext } from './route-context.js';

interface UserParams {
  id: string;
}

interface UserRelationshipParams extends UserParams {
  relationship: string;
}

const USER_RELATIONSHIPS = ['groups', 'groups_managed', 'api_quota_group', 'intelligence_quota_group', 'monitor_quota_group'] as const;

/** The user themself, or an administrator of their group. */
function mayManage(state: SimulatorState, user: SimUser, caller: string): boolean {
  if (user.id === caller) return true;
  const group = groupOfUser(state, user.id);
  return group !== undefined && isGroupAdmin(group, caller);
}

function relatedGroups(state: SimulatorState, user: SimUser, relationship: string, caller: string): SimGroup[] {
  const group = groupOfUser(state, user.id);
  switch (relationship) {
    case 'groups':
      if (user.id !== caller) throw forbidden();
      return group === undefined ? [] : [group];
    case 'groups_managed':
      if (!mayManage(state, user, caller)) throw forbidden();
      return group !== undefined && isGroupAdmin(group, user.id) ? [group] : [];
    case 'api_quota_group':
    case 'intelligence_quota_group':
    case 'monitor_quota_group':
      if (!mayManage(state, user, caller)) throw forbidden();
      return group === undefined ? [] : [group];
    default:
      throw notFound(`Relationship "${relationship}" not found for users; known: ${USER_RELATIONSHIPS.join(', ')}`);
  }
}

function overallQuotas(state: SimulatorState, user: SimUser): Record<string, unknown> {
  const group = groupOfUser(state, user.id);
  const names = new Set([...Object.keys(user.quotas), ...Object.keys(group?.attributes.quotas ?? {})]);
  const data: Record<string, unknown> = {};
  for (const name of [...names].sort()) {
    const own = user.quotas[name];
    const shared = group?.attributes.quotas[name];
    data[name] = {
      ...(own === undefined ? {} : { user: { allowed: own.allowed, used: own.used } }),
      ...(shared === undefined || group === undefined ? {} : { group: { allowed: shared.allowed, used: shared.used, inherited_from: group.id } }),
    };
  }
  return data;
}

/** The daily allowance from `{"data":{"type":"user","attributes":{"quotas":{"api_requests_daily":{"allowed":n}}}}}`. */
function readDailyAllowance(raw: unknown, userId: string): number {
  const body = parseJsonBody(raw);
  const data = isRecord(body) ? body['data'] : undefined;
  if (!isRecord(data) || data['type'] !== 'user') throw badRequest('Expected a body of the form {"data": {"type": "user", "attributes": {...}}}');
  if (data['id'] !== undefined && data['id'] !== userId) throw badRequest(`"data.id" must be "${userId}"`);
  const attributes = data['attributes'];
  if (!isRecord(attributes)) throw badRequest('"data.attributes" must be an object');
  const other = Object.keys(attributes).find((name) => name !== 'quotas');
  if (other !== undefined) throw badRequest(`Attribute "${other}" can only be changed by the user`);
  const quotas = attributes['quotas'];
  const daily = isRecord(quotas) ? quotas['api_requests_daily'] : undefined;
  const allowed = isRecord(daily) ? daily['allowed'] : undefined;
  if (!isRecord(quotas) || Object.keys(quotas).some((name) => name !== 'api_requests_daily')) {
    throw invalidArgument('Only "quotas.api_requests_daily" can be changed');
  }
  if (typeof allowed !== 'number' || !Number.isInteger(allowed) || allowed < 0) {
    throw invalidArgument('"quotas.api_requests_daily.allowed" must be a non-negative integer');
  }
  return allowed;
}

/**
 * The user object and what a group admin reads next to it. The id may be an API key, naming its own account (the
 * gateway's key-owner lookup uses that; the gateway refuses such ids from its clients).
 */
export function registerUserRoutes(api: FastifyInstance, context: RouteContext): void {
  const { state } = context;
  const userNamed = (id: string): string => context.apiKeys.get(id) ?? id;

  api.get<{ Params: UserParams }>('/users/:id', async (request, reply) => {
    const caller = callerOf(context, request);
    const user = requireUser(state, userNamed(request.params.id));
    const object = userObject(state, user, caller);
    // `apikey` is the owner's alone (user object, attributes): the caller's own key, when they read themself.
    const ownKey = [...context.apiKeys].find(([, owner]) => owner === caller && owner === user.id)?.[0];
    if (ownKey !== undefined) object.attributes['apikey'] = ownKey;
    return sendJson(reply, { data: object });
  });

  api.patch<{ Params: UserParams }>('/users/:id', async (request, reply) => {
    const caller = callerOf(context, request);
    const user = requireUser(state, userNamed(request.params.id));
    const group = groupOfUser(state, user.id);
    if (group === undefined || !isGroupAdmin(group, caller)) throw forbidden();
    const allowed = readDailyAllowance(request.body, user.id);
    user.quotas['api_requests_daily'] = { allowed, used: user.quotas['api_requests_daily']?.used ?? 0 };
    return sendJson(reply, { data: userObject(state, user, caller) });
  });

  api.get<{ Params: UserParams }>('/users/:id/overall_quotas', async (request, reply) => {
    const caller = callerOf(context, request);
    const user = requireUser(state, userNamed(request.params.id));
    if (!mayManage(state, user, caller)) throw forbidden();
    return sendJson(reply, { data: overallQuotas(state, user) });
  });

  api.get<{ Params: UserParams; Querystring: QueryParams }>('/users/:id/api_usage', async (request, reply) => {
    const caller = callerOf(context, request);
    const user = requireUser(state, userNamed(request.params.id));
    if (!mayManage(state, user, caller)) throw forbidden();
    return sendJson(reply, usageReport(state, [user.id], request.query));
  });

  for (const form of ['descriptors', 'objects'] as const) {
    const path = form === 'descriptors' ? '/users/:id/relationships/:relationship' : '/users/:id/:relationship';
    api.get<{ Params: UserRelationshipParams; Querystring: QueryParams }>(path, async (request, reply) => {
      const caller = callerOf(context, request);
      const user = requireUser(state, userNamed(request.params.id));
      const { relationship } = request.params;
      const groups = relatedGroups(state, user, relationship, caller);
      const items = groups.map((group) => (form === 'objects' ? groupObject(group, caller) : { type: 'group', id: group.id }));
      const url = form === 'descriptors' ? apiUrl('users', user.id, 'relationships', relationship) : apiUrl('users', user.id, relationship);
      return sendJson(reply, paginate(items, parsePageRequest(request.query), url));
    });
  }
}
