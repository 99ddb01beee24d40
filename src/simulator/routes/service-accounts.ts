import type { FastifyInstance } from 'fastify';
import { readDataList, readDescriptor } from '../bodies/json-body.js';
import { alreadyExists, badRequest, notFound } from '../errors.js';
import { requireAdmin, requireMember } from '../group-access.js';
import { requireGroup } from '../lookups.js';
import { isGroupAdmin } from '../membership.js';
import type { SimGroup, SimulatorState, ServiceAccountRecord } from '../model.js';
import { serviceAccountObject } from '../related-object-view.js';
import { newServiceAccount } from '../service-account-record.js';
import { sendJson } from '../replies.js';
import { usageReport } from '../api-usage.js';
import type { QueryParams } from '../paging.js';
import { callerOf, type GroupParams, type RouteContext } from './route-context.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function findServiceAccount(state: SimulatorState, idOrEmail: string): { group: SimGroup; account: ServiceAccountRecord } | undefined {
  const wanted = idOrEmail.toLowerCase();
  for (const group of state.groups.values()) {
    const account = group.service_accounts.find((a) => a.id === idOrEmail || a.attributes.email.toLowerCase() === wanted);
    if (account !== undefined) return { group, account };
  }
  return undefined;
}

/**
 * Service accounts (`POST /groups/{id}/relationships/service_accounts`, `GET /service_accounts/{id}`) and the group's
 * API usage (`GET /groups/{id}/api_usage`, administrators only).
 */
export function registerServiceAccountRoutes(api: FastifyInstance, context: RouteContext): void {
  api.post<{ Params: GroupParams }>('/groups/:id/relationships/service_accounts', async (request, reply) => {
    const caller = callerOf(context, request);
    const group = requireGroup(context.state, request.params.id);
    requireAdmin(group, caller);
    const names = readDataList(request.body).map((entry) => readDescriptor(entry, ['service_account']).id);
    const seen = new Set<string>();
    for (const name of names) {
      if (!NAME.test(name)) throw badRequest(`Invalid service account id: "${name}"`);
      if (seen.has(name)) throw badRequest(`Service account "${name}" is listed twice`);
      seen.add(name);
      const id = `${group.id}_${name}`;
      if (findServiceAccount(context.state, id) !== undefined) throw alreadyExists(`Service account "${id}" already exists`);
    }
    // Day precision: two simulators fed the same calls agree (tests compare them).
    const today = Math.floor(Date.now() / 86_400_000) * 86_400;
    const created = names.map((name) => newServiceAccount(group.id, name, today));
    group.service_accounts.push(...created);
    return sendJson(reply, { data: created.map((account) => serviceAccountObject(account, true)) });
  });

  api.get<{ Params: { id: string } }>('/service_accounts/:id', async (request, reply) => {
    const caller = callerOf(context, request);
    const found = findServiceAccount(context.state, request.params.id);
    if (found === undefined) throw notFound(`Service account "${request.params.id}" not found`);
    requireMember(found.group, caller);
    return sendJson(reply, { data: serviceAccountObject(found.account, isGroupAdmin(found.group, caller)) });
  });

  api.get<{ Params: GroupParams; Querystring: QueryParams }>('/groups/:id/api_usage', async (request, reply) => {
    const caller = callerOf(context, request);
    const group = requireGroup(context.state, request.params.id);
    requireAdmin(group, caller);
    const accounts = [...group.members.keys(), ...group.service_accounts.map((a) => a.id)];
    return sendJson(reply, usageReport(context.state, accounts, request.query));
  });
}
