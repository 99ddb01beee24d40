import type { TObject, TSchema } from '@sinclair/typebox';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export const scopes = [
  'groups:read',
  'groups:write',
  'groups:admins',
  'threat_profiles:read',
  'threat_profiles:write',
] as const;
export type Scope = (typeof scopes)[number];

export interface ToolHints {
  readOnly: boolean;
  destructive: boolean;
  idempotent: boolean;
}

/** What a handler has once Fastify has validated the request against the operation's schemas. */
export interface ValidatedInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** The body as sent to VirusTotal, once serialised: the audit line hashes these very bytes. */
  bodyJson?: string;
}

export interface Operation {
  /** operationId, identical to the capability's operation name. */
  name: string;
  method: HttpMethod;
  /** Gateway path in OpenAPI form, e.g. `/v1/groups/{id}`. VirusTotal's path is the same without `/v1`. */
  path: string;
  tag: string;
  summary: string;
  description: string;
  params: TObject;
  query?: TObject;
  body?: TObject;
  /** The 200 response as VirusTotal documents it (for OpenAPI and MCP; never used to reshape the answer). */
  response: TSchema;
  /** The scope every call needs; `extraScopes` may add more from the validated input. */
  scope: Scope;
  extraScopes?: (input: ValidatedInput) => Scope[];
  /** Rules JSON Schema cannot say; returns a message naming the field, or undefined when the input is fine. */
  check?: (input: ValidatedInput) => string | undefined;
  tool: { name: string; hints: ToolHints };
}
