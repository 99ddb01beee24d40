import { FormatRegistry, Type, type Static, type TSchema } from '@sinclair/typebox';
import { GroupId, NOT_A_CLIENT_TOKEN, NOT_AN_API_KEY, UserId } from './params.js';

// Only what every address has: VirusTotal judges the rest (o'brien@, r&d@ and internationalised addresses pass).
const NOT_IN_EMAIL = '@\\s\\u0000-\\u001f\\u007f-\\u009f';
const EMAIL_PATTERN = `^[^${NOT_IN_EMAIL}]+@[^${NOT_IN_EMAIL}]+$`;
const MAX_EMAIL_BYTES = 254;
const EMAIL_FORMAT = 'vt-email';
// The pattern says the shape; the format adds what a pattern cannot count, the address's length in UTF-8 bytes.
FormatRegistry.Set(EMAIL_FORMAT, (value) => Buffer.byteLength(value, 'utf8') <= MAX_EMAIL_BYTES);

const MAX_ENTRIES = 100;
const entriesPolicy = `at most ${MAX_ENTRIES} entries per request (VirusTotal documents no limit)`;

const Email = Type.String({
  pattern: EMAIL_PATTERN,
  format: EMAIL_FORMAT,
  description: `Email address: one \`@\`, no whitespace or control characters, at most ${MAX_EMAIL_BYTES} bytes.`,
});
const ShortText = Type.String({ maxLength: 256 });

export const UserByEmail = Type.Object(
  { type: Type.Literal('user'), id: Email },
  { additionalProperties: false, description: 'User descriptor; VirusTotal wants the email address here, not the username.' },
);

export const UsersByEmailBody = Type.Object(
  { data: Type.Array(UserByEmail, { minItems: 1, maxItems: MAX_ENTRIES, 'x-gateway-policy': entriesPolicy }) },
  {
    $id: 'UsersByEmailBody',
    additionalProperties: false,
  },
);

export const GroupAttributes = Type.Object(
  {
    auto_add_users: Type.Optional(
      Type.Array(Type.String({ maxLength: 254 }), {
        maxItems: 1000,
        description: 'Emails or patterns such as `*@company.com` auto-added when they create a VirusTotal account.',
      }),
    ),
    contact_emails: Type.Optional(Type.Array(Email, { maxItems: 100 })),
    country: Type.Optional(ShortText),
    country_iso: Type.Optional(ShortText),
    domain_name: Type.Optional(ShortText),
    industry: Type.Optional(ShortText),
    organization: Type.Optional(ShortText),
    organization_legal_name: Type.Optional(ShortText),
    preferences: Type.Optional(
      Type.Record(Type.String({ maxLength: 128 }), Type.Record(Type.String({ maxLength: 128 }), Type.Unknown(), { maxProperties: 256 }), {
        maxProperties: 256,
        description:
          'VirusTotal documents a dict of dicts: names to objects. Values inside are passed on as sent, nested at most as deep as the gateway reads any body.',
      }),
    ),
    privileges: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 128 }),
        Type.Object(
          { granted: Type.Boolean(), expiration_date: Type.Optional(Type.Integer({ minimum: 0 })) },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false, description: 'Attributes to change; the others stay as they are.' },
);

/** What vt-py's `patch_object` echoes back from the object it fetched: accepted, and not forwarded. */
const ECHOED_OBJECT_FIELDS = ['context_attributes', 'relationships', 'links'] as const;
const Echoed = Type.Object({}, { additionalProperties: true, description: 'Accepted as vt-py sends it back, and not forwarded.' });

export const PatchGroupBody = Type.Object(
  {
    data: Type.Object(
      {
        type: Type.Literal('group'),
        id: Type.Optional({ ...GroupId, description: 'Must equal the group ID in the path when given.' }),
        attributes: Type.Optional(GroupAttributes),
        context_attributes: Type.Optional(Echoed),
        relationships: Type.Optional(Echoed),
        links: Type.Optional(Echoed),
      },
      { additionalProperties: false },
    ),
  },
  {
    $id: 'PatchGroupBody',
    additionalProperties: false,
  },
);
export type PatchGroupBodyT = Static<typeof PatchGroupBody>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutEchoedFields(body: unknown): unknown {
  if (!isRecord(body) || !isRecord(body.data)) return body;
  const data = { ...body.data };
  for (const field of ECHOED_OBJECT_FIELDS) delete data[field];
  return { ...body, data };
}

/** The role names VirusTotal documents (Update a service account object); which a group has depends on its licence. */
export const DOCUMENTED_ROLES = [
  'USER_ROLE_GROUP_ADMIN',
  'USER_ROLE_PRIVATE_SCANNING',
  'USER_ROLE_FILE_DOWNLOADS',
  'USER_ROLE_FILE_UPLOADS',
  'USER_ROLE_PRIVATE_FILE_UPLOADS',
  'USER_ROLE_PRIVATE_FILE_DOWNLOADS',
] as const;

const RoleName = Type.String({
  pattern: '^USER_ROLE_[A-Z][A-Z0-9_]{0,63}$',
  description: `A \`USER_ROLE_*\` name. Documented: ${DOCUMENTED_ROLES.map((r) => `\`${r}\``).join(', ')}; others VirusTotal adds pass too`,
  examples: [...DOCUMENTED_ROLES],
});
const rolesPolicy = 'at most 16 roles per list (VirusTotal documents no limit)';

export const UserRoleChange = Type.Object(
  {
    roles: Type.Optional(
      Type.Array(RoleName, { maxItems: 16, 'x-gateway-policy': rolesPolicy, description: 'Replaces all of the user’s roles.' }),
    ),
    add_roles: Type.Optional(
      Type.Array(RoleName, { maxItems: 16, 'x-gateway-policy': rolesPolicy, description: 'Roles to add or update.' }),
    ),
    remove_roles: Type.Optional(
      Type.Array(RoleName, { maxItems: 16, 'x-gateway-policy': rolesPolicy, description: 'Roles to revoke.' }),
    ),
    quota_limits: Type.Optional(
      Type.Object(
        {
          api_requests_daily: Type.Object(
            { allowed: Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Daily API cap.' }) },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    'x-gateway-policy': 'each entry changes something (VirusTotal documents no rule)',
    description: 'At least one change (gateway policy); `roles` is not combined with `add_roles`/`remove_roles` (gateway policy).',
  },
);

export const UserRoleEntry = Type.Object(
  { type: Type.Literal('user'), id: UserId, context_attributes: UserRoleChange },
  { additionalProperties: false },
);

export const PatchGroupUsersBody = Type.Object(
  { data: Type.Array(UserRoleEntry, { minItems: 1, maxItems: MAX_ENTRIES, 'x-gateway-policy': entriesPolicy }) },
  {
    $id: 'PatchGroupUsersBody',
    additionalProperties: false,
  },
);
export type PatchGroupUsersBodyT = Static<typeof PatchGroupUsersBody>;

export const Principal = Type.Object(
  {
    type: Type.Union([Type.Literal('user'), Type.Literal('group')]),
    id: Type.String({ pattern: `^${NOT_AN_API_KEY}(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$`, description: 'Username or group ID. An API key (64 hex digits) or a gateway token is refused.' }),
  },
  { additionalProperties: false },
);

export const PrincipalsBody = Type.Object(
  { data: Type.Array(Principal, { minItems: 1, maxItems: MAX_ENTRIES, 'x-gateway-policy': entriesPolicy }) },
  {
    $id: 'PrincipalsBody',
    additionalProperties: false,
  },
);
export type PrincipalsBodyT = Static<typeof PrincipalsBody>;

/** The service account's own ID within the group; VirusTotal documents no charset, so this is the gateway's policy. */
const ServiceAccountName = Type.String({
  pattern: `^${NOT_A_CLIENT_TOKEN}[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`,
  description: 'Service account ID within the group, e.g. `vt_enrichment` (VirusTotal names it `<group ID>_vt_enrichment`).',
  'x-gateway-policy': 'letters, digits, `_`, `.` and `-`, at most 64 characters (VirusTotal documents no rule)',
  examples: ['vt_enrichment'],
});

export const CreateServiceAccountsBody = Type.Object(
  {
    data: Type.Array(
      Type.Object({ type: Type.Literal('service_account'), id: ServiceAccountName }, { additionalProperties: false }),
      { minItems: 1, maxItems: MAX_ENTRIES, 'x-gateway-policy': entriesPolicy, description: 'Service accounts to create; only `id` is needed.' },
    ),
  },
  { $id: 'CreateServiceAccountsBody', additionalProperties: false },
);
export type CreateServiceAccountsBodyT = Static<typeof CreateServiceAccountsBody>;

/** A quota as a fetched user object holds it: vt-py's `patch_object` sends the whole `quotas` back. */
const QuotaEcho = Type.Object(
  { allowed: Type.Optional(Type.Integer()), used: Type.Optional(Type.Integer()) },
  { additionalProperties: false, description: 'Another quota of the fetched object, sent back as it was: accepted, and not forwarded.' },
);

/**
 * `PATCH /users/{id}` as a group admin uses it: the member's daily API allowance, nothing else. Every other user
 * attribute is the account owner's to change, and the owner of the gateway's key is the gateway itself. The body may
 * be the object vt-py fetched and sends back (the whole `quotas`, `used` counts, `context_attributes`,
 * `relationships`, `links`): only `quotas.api_requests_daily.allowed` is forwarded.
 */
export const PatchUserBody = Type.Object(
  {
    data: Type.Object(
      {
        type: Type.Literal('user'),
        id: Type.Optional(Type.String({ maxLength: 256, description: 'Must equal the user ID in the path when given.' })),
        attributes: Type.Object(
          {
            quotas: Type.Object(
              {
                api_requests_daily: Type.Object(
                  {
                    allowed: Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Daily API cap.' }),
                    used: Type.Optional(Type.Integer({ description: 'As fetched: accepted, and not forwarded.' })),
                  },
                  { additionalProperties: false },
                ),
              },
              { additionalProperties: QuotaEcho },
            ),
          },
          { additionalProperties: false },
        ),
        context_attributes: Type.Optional(Echoed),
        relationships: Type.Optional(Echoed),
        links: Type.Optional(Echoed),
      },
      { additionalProperties: false },
    ),
  },
  {
    $id: 'PatchUserBody',
    additionalProperties: false,
  },
);
export type PatchUserBodyT = Static<typeof PatchUserBody>;

/**
 * Only the daily allowance of a user PATCH: what vt-py sends back with it is never forwarded, whatever its values (the
 * gateway sets the daily allowance and nothing else; VirusTotal's answer shows every quota as it stands).
 */
function dailyAllowanceOnly(body: unknown): unknown {
  const data = isRecord(body) ? body.data : undefined;
  const attributes = isRecord(data) ? data.attributes : undefined;
  const quotas = isRecord(attributes) ? attributes.quotas : undefined;
  const daily = isRecord(quotas) ? quotas.api_requests_daily : undefined;
  // Only a body PatchUserBody admitted gets here; anything else is refused rather than forwarded as it came.
  if (!isRecord(data) || !isRecord(daily)) throw new Error('PATCH /users body not shaped as PatchUserBody');
  const { type, id } = data;
  return { data: { type, ...(id === undefined ? {} : { id }), attributes: { quotas: { api_requests_daily: { allowed: daily.allowed } } } } };
}

/** The `allowed` values of the quotas other than the daily one that a user PATCH sends back, by quota name. */
export function echoedQuotaAllowances(body: PatchUserBodyT): Record<string, number> {
  const echoed: Record<string, number> = {};
  for (const [name, quota] of Object.entries(body.data.attributes.quotas)) {
    if (name !== 'api_requests_daily' && isRecord(quota) && typeof quota.allowed === 'number') echoed[name] = quota.allowed;
  }
  return echoed;
}

/**
 * What of the echoed quotas differs from the user object as VirusTotal has it, as a message naming each; undefined
 * when every echoed value is as it stands, so that dropping them loses nothing.
 */
export function changedEchoedQuotas(echoed: Readonly<Record<string, number>>, current: unknown): string | undefined {
  const data = isRecord(current) ? current.data : undefined;
  const attributes = isRecord(data) ? data.attributes : undefined;
  const quotas = isRecord(attributes) ? attributes.quotas : undefined;
  const changed: string[] = [];
  for (const [name, allowed] of Object.entries(echoed)) {
    const standing = isRecord(quotas) ? quotas[name] : undefined;
    const now = isRecord(standing) ? standing.allowed : undefined;
    if (now !== allowed) changed.push(`quotas.${name}.allowed (VirusTotal has ${now === undefined ? 'none' : JSON.stringify(now)}, the body says ${allowed})`);
  }
  if (changed.length === 0) return undefined;
  return `Only quotas.api_requests_daily.allowed can be changed through the gateway; nothing was changed. The body also changes ${changed.join(', ')}`;
}

const forwardedForms = new WeakMap<TSchema, (body: unknown) => unknown>([
  [PatchGroupBody, withoutEchoedFields],
  [PatchUserBody, dailyAllowanceOnly],
]);

/** The body as the gateway forwards it once it passed `schema`: the same, but for fields a schema accepts only to drop. */
export function forwardedBody(schema: TSchema, body: unknown): unknown {
  const forward = forwardedForms.get(schema);
  return forward === undefined ? body : forward(body);
}
