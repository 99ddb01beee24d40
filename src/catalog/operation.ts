import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { GatewayError } from '../errors.js';
import { withoutSecrets } from '../security/secret-shapes.js';
import { compileUpstreamPath } from './upstream-path.js';
import type { TagName } from './tags.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export const scopes = [
  'groups:read',
  'groups:write',
  'groups:admins',
  'threat_profiles:read',
  'threat_profiles:write',
  'groups:usage',
  'service_accounts:write',
  'service_accounts:keys',
  'users:read',
  'users:usage',
  'users:write',
] as const;
export type Scope = (typeof scopes)[number];

/**
 * The kinds of object an operation acts on. Each is named by the path parameter `id` (a collection by its path), guarded by the client's
 * allowlist of that name, and recorded in the audit line's targets under its kind. `requiresAll`: the object's group
 * cannot be told from its id (`my_group_x_y` may belong to `my_group` or `my_group_x`), so only a client whose
 * allowlist is `*` may act on it. `holdsServiceAccounts`: its answers may carry service-account objects (and their keys).
 */
export const resourceKinds = {
  group: { label: 'group', allowlist: 'groups', requiresAll: false, holdsServiceAccounts: true },
  threatProfile: { label: 'threat profile', allowlist: 'threatProfiles', requiresAll: false, holdsServiceAccounts: false },
  /** The collection itself: a page of it cannot be cut to an allowlist without breaking VirusTotal's paging. */
  threatProfileList: { label: 'threat profile list', allowlist: 'threatProfiles', requiresAll: true, holdsServiceAccounts: false },
  user: { label: 'user', allowlist: 'groups', requiresAll: true, holdsServiceAccounts: true },
  serviceAccount: { label: 'service account', allowlist: 'groups', requiresAll: true, holdsServiceAccounts: true },
} as const;
export type ResourceKind = keyof typeof resourceKinds;
export type AllowlistName = (typeof resourceKinds)[ResourceKind]['allowlist'];

/** Every gateway path is VirusTotal's path with this prefix in place of `/api/v3`. */
export const GATEWAY_PREFIX = '/v1';

/** VirusTotal's own prefix, under which the same paths are also served when `API_V3_ALIAS` is on. */
export const ALIAS_PREFIX = '/api/v3';

/** Path parameters other than the resource id, and the audit target each is recorded as. */
const TARGET_OF_PARAM: Readonly<Record<string, string>> = { user_id: 'user', relationship: 'relationship' };

export interface ToolHints {
  readOnly: boolean;
  destructive: boolean;
  idempotent: boolean;
}

/**
 * A change a write makes to an account's standing in the group or on a threat profile. The key-owner guard refuses
 * those that would lock the gateway's own account out, whatever operation or channel asks for them.
 */
export type AccountChange =
  | { kind: 'remove-member'; user: string }
  | { kind: 'revoke-admin'; user: string }
  | { kind: 'change-roles'; user: string }
  | { kind: 'set-daily-allowance'; user: string; allowed: number }
  | { kind: 'remove-editor'; principalType: string; principal: string }
  /** Granting viewer access replaces an editor's level (the level held is updated): a demotion. */
  | { kind: 'grant-viewer'; principalType: string; principal: string };

/** A request body example with its name, as OpenAPI lists it in the operation's `examples` map. */
export interface NamedExample<T> {
  summary: string;
  description?: string;
  value: T;
}

/** What a channel has once the request passed the operation's schemas. */
export interface ValidatedInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

/** What the operation's own rules say about one validated input, worked out once per call. */
export interface PreparedCall {
  /** A rule schemas cannot say is broken: the message names the field. */
  problem: string | undefined;
  /** Scopes the input calls for beyond the operation's own. */
  extraScopes: Scope[];
  /** What a write changes, for the audit line: who and what, never the whole body. */
  change: Record<string, unknown> | undefined;
  /** What the write would do to accounts' standing (see AccountChange). */
  accountChanges: AccountChange[];
  /** A read the write waits for: set when the body holds values the gateway does not forward. */
  readFirst?: ReadFirst;
}

/**
 * The object a write would change, read before it: `problem` says what in the body differs from it and would be lost
 * (the gateway forwards only part of the body), or undefined when nothing would be.
 */
export interface ReadFirst {
  /** VirusTotal's path below the API base, encoded. */
  path: string;
  problem(current: unknown): string | undefined;
}

/** A catalog row as the rest of the gateway sees it: everything about one VirusTotal operation. */
export interface Operation {
  /** operationId, identical to the capability's operation name. */
  readonly name: string;
  readonly method: HttpMethod;
  /** Gateway path in OpenAPI form, e.g. `/v1/groups/{id}`. */
  readonly path: string;
  /** VirusTotal's path in OpenAPI form, relative to `/api/v3`, e.g. `/groups/{id}`. */
  readonly upstreamPath: string;
  readonly tag: TagName;
  readonly summary: string;
  readonly description: string;
  readonly params: TObject;
  readonly query: TObject | undefined;
  readonly body: TObject | undefined;
  /** Named examples of the body, by key: what each does, and the body that does it. */
  readonly bodyExamples: Readonly<Record<string, NamedExample<unknown>>>;
  /** The 200 response as VirusTotal documents it (for OpenAPI and MCP; never used to reshape the answer). */
  readonly response: TSchema;
  readonly resource: ResourceKind;
  /** The scope every call needs; `prepare` may add some of `possibleExtraScopes` from the validated input. */
  readonly scope: Scope;
  readonly possibleExtraScopes: readonly Scope[];
  /** The scopes every call needs whatever its input: `scope`, and for an operation without a body its extra scopes. */
  readonly scopesAlwaysNeeded: readonly Scope[];
  /** Which of the client's budgets a call spends. */
  readonly budget: 'read' | 'write';
  readonly tool: { name: string; hints: ToolHints };
  prepare(input: ValidatedInput): PreparedCall;
  /** VirusTotal's concrete path and query for a validated input: every query parameter the schema knows is forwarded. */
  upstreamRequestPath(input: ValidatedInput): string;
  /** The ids a request is about, named for the audit line; works on unvalidated parameters too. */
  targets(params: Readonly<Record<string, unknown>>): Record<string, string>;
}

interface RowBase {
  name: string;
  method: HttpMethod;
  /** VirusTotal's path relative to `/api/v3`; the gateway's is the same under GATEWAY_PREFIX. */
  path: `/${string}`;
  tag: TagName;
  summary: string;
  description: string;
  params: TObject;
  query?: TObject;
  response: TSchema;
  resource: ResourceKind;
  scope: Scope;
  tool: { name: string; hints: ToolHints };
}

export interface RowWithoutBody extends RowBase {
  check?: (input: ValidatedInput) => string | undefined;
  /** Scopes every call needs beyond `scope`: for rights that `scope` alone must not take away. */
  extraScopes?: readonly Scope[];
  accountChanges?: (input: ValidatedInput) => AccountChange[];
}

export interface TypedInput<B extends TObject> extends ValidatedInput {
  body: Static<B>;
}

export interface RowWithBody<B extends TObject> extends RowBase {
  body: B;
  /** At least one; each is checked against `body` and the row's own rules by the catalog tests. */
  examples: Readonly<Record<string, NamedExample<Static<B>>>>;
  check?: (input: TypedInput<B>) => string | undefined;
  /** Scopes some inputs need beyond `scope`, and which ones a given body needs. */
  extraScopes?: { possible: readonly Scope[]; needed: (body: Static<B>) => Scope[] };
  /** The audit line's `change`. */
  summarize: (body: Static<B>) => Record<string, unknown>;
  accountChanges?: (input: TypedInput<B>) => AccountChange[];
  readFirst?: (input: TypedInput<B>) => ReadFirst | undefined;
}

// Audit lines stay bounded whatever a caller sends (the REST router's maxParamLength).
const MAX_TARGET_LENGTH = 512;

function targetsOf(resource: ResourceKind): Operation['targets'] {
  return (params) => {
    const targets: Record<string, string> = {};
    for (const [name, value] of Object.entries(params)) {
      if (typeof value !== 'string') continue;
      const target = name === 'id' ? resource : TARGET_OF_PARAM[name];
      if (target !== undefined) targets[target] = withoutSecrets(value).slice(0, MAX_TARGET_LENGTH);
    }
    return targets;
  };
}

function common(row: RowBase): Omit<Operation, 'body' | 'bodyExamples' | 'prepare' | 'possibleExtraScopes' | 'scopesAlwaysNeeded'> {
  const shape = {
    name: row.name,
    method: row.method,
    path: `${GATEWAY_PREFIX}${row.path}`,
    upstreamPath: row.path,
    tag: row.tag,
    summary: row.summary,
    description: row.description,
    params: row.params,
    query: row.query,
    response: row.response,
    resource: row.resource,
    scope: row.scope,
    budget: row.method === 'GET' ? 'read' : 'write',
    tool: row.tool,
    targets: targetsOf(row.resource),
  } as const;
  return { ...shape, upstreamRequestPath: compileUpstreamPath(row.path, row.query) };
}

/** A catalog row of an operation that sends no body. */
export function defineOperation(row: RowWithoutBody): Operation {
  const extraScopes = [...(row.extraScopes ?? [])];
  return {
    ...common(row),
    body: undefined,
    bodyExamples: {},
    possibleExtraScopes: extraScopes,
    scopesAlwaysNeeded: [row.scope, ...extraScopes],
    prepare: (input) => ({
      problem: row.check?.(input),
      extraScopes,
      change: undefined,
      accountChanges: row.accountChanges?.(input) ?? [],
    }),
  };
}

/**
 * A catalog row of an operation with a JSON body: its rules and change summary see the body's static type. The body
 * was validated by the channel against this very schema; the compiled check here is what lets the type follow it.
 */
export function defineBodyOperation<B extends TObject>(row: RowWithBody<B>): Operation {
  const isBody = TypeCompiler.Compile(row.body);
  return {
    ...common(row),
    body: row.body,
    bodyExamples: row.examples,
    possibleExtraScopes: row.extraScopes?.possible ?? [],
    scopesAlwaysNeeded: [row.scope],
    prepare: (input) => {
      const body = input.body;
      if (!isBody.Check(body)) throw new GatewayError('GW_ERR_INVALID_ARGUMENT', `Invalid request body for ${row.name}`);
      const typed: TypedInput<B> = { params: input.params, query: input.query, body };
      return {
        problem: row.check?.(typed),
        extraScopes: row.extraScopes?.needed(body) ?? [],
        change: row.summarize(body),
        accountChanges: row.accountChanges?.(typed) ?? [],
        readFirst: row.readFirst?.(typed),
      };
    },
  };
}
