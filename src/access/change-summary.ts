import type { PatchGroupBodyT, PatchGroupUsersBodyT, PrincipalsBodyT } from '../catalog/bodies.js';
import type { Operation, ValidatedInput } from '../catalog/operation.js';

type Summary = Record<string, unknown>;

const summaries: Record<string, (body: unknown) => Summary> = {
  patchGroup: (body) => ({ attributes: Object.keys((body as PatchGroupBodyT).data.attributes).sort() }),
  postGroupAdministrators: (body) => ({ grantAdminTo: emails(body) }),
  updateGroupUsers: (body) => ({ addUsers: emails(body) }),
  patchGroupUsers: (body) => ({
    users: (body as PatchGroupUsersBodyT).data.map(({ id, context_attributes: c }) => ({
      id,
      ...(c.roles === undefined ? {} : { replaceRoles: c.roles }),
      ...(c.add_roles === undefined ? {} : { addRoles: c.add_roles }),
      ...(c.remove_roles === undefined ? {} : { removeRoles: c.remove_roles }),
      ...(c.quota_limits === undefined ? {} : { dailyAllowance: c.quota_limits.api_requests_daily.allowed }),
    })),
  }),
  addThreatProfileRelationships: (body) => ({ grant: principals(body) }),
  deleteThreatProfileRelationships: (body) => ({ revoke: principals(body) }),
};

function emails(body: unknown): string[] {
  return (body as { data: { id: string }[] }).data.map((d) => d.id);
}

function principals(body: unknown): string[] {
  return (body as PrincipalsBodyT).data.map((d) => `${d.type}:${d.id}`);
}

/** What a write changes, for the audit line: who and what, never the whole body. */
export function changeSummary(op: Operation, input: ValidatedInput): Summary | undefined {
  if (op.method === 'GET' || input.body === undefined) return undefined;
  return summaries[op.name]?.(input.body);
}

/** The ids a request is about, named for the audit line. */
export function auditTargets(op: Operation | null, params: Record<string, string>): Record<string, string> {
  const targets: Record<string, string> = {};
  if (params.id !== undefined) targets[op?.path.startsWith('/v1/threat_profiles/') === true ? 'threatProfile' : 'group'] = params.id;
  if (params.user_id !== undefined) targets.user = params.user_id;
  if (params.relationship !== undefined) targets.relationship = params.relationship;
  return targets;
}
