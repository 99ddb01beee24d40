import { Type, type Static } from '@sinclair/typebox';
import { GroupId, UserId } from './params.js';

// Deliberately simple: VirusTotal checks the address itself; this only refuses usernames and junk early.
const EMAIL_PATTERN = '^[A-Za-z0-9._%+\\-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,62}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,62}[A-Za-z0-9])?)+$';
const MAX_ENTRIES = 100;

const Email = Type.String({ pattern: EMAIL_PATTERN, maxLength: 254, description: 'Email address of the user.' });
const ShortText = Type.String({ maxLength: 256 });

export const UserByEmail = Type.Object(
  { type: Type.Literal('user'), id: Email },
  { additionalProperties: false, description: 'User descriptor; VirusTotal wants the email address here, not the username.' },
);

export const UsersByEmailBody = Type.Object(
  { data: Type.Array(UserByEmail, { minItems: 1, maxItems: MAX_ENTRIES }) },
  {
    additionalProperties: false,
    examples: [{ data: [{ type: 'user', id: 'new_user@example.com' }] }],
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
    preferences: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.Object({}))),
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
  { additionalProperties: false, minProperties: 1, description: 'Attributes to change; the others stay as they are.' },
);

export const PatchGroupBody = Type.Object(
  {
    data: Type.Object(
      {
        type: Type.Literal('group'),
        id: Type.Optional({ ...GroupId, description: 'Must equal the group ID in the path when given.' }),
        attributes: GroupAttributes,
      },
      { additionalProperties: false },
    ),
  },
  {
    additionalProperties: false,
    examples: [{ data: { type: 'group', attributes: { auto_add_users: ['*@example.com', 'alice@example.org'] } } }],
  },
);
export type PatchGroupBodyT = Static<typeof PatchGroupBody>;

const RoleName = Type.String({
  pattern: '^USER_ROLE_[A-Z][A-Z0-9_]{0,63}$',
  description: 'A `USER_ROLE_*` name: `USER_ROLE_GROUP_ADMIN` or `USER_ROLE_PRIVATE_SCANNING`.',
  examples: ['USER_ROLE_PRIVATE_SCANNING'],
});

export const UserRoleChange = Type.Object(
  {
    roles: Type.Optional(
      Type.Array(RoleName, { maxItems: 16, uniqueItems: true, description: 'Replaces all of the user’s roles.' }),
    ),
    add_roles: Type.Optional(
      Type.Array(RoleName, { minItems: 1, maxItems: 16, uniqueItems: true, description: 'Roles to add or update.' }),
    ),
    remove_roles: Type.Optional(
      Type.Array(RoleName, { minItems: 1, maxItems: 16, uniqueItems: true, description: 'Roles to revoke.' }),
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
  { additionalProperties: false, minProperties: 1, description: 'At least one change; `roles` is not combined with `add_roles`/`remove_roles`.' },
);

export const UserRoleEntry = Type.Object(
  { type: Type.Literal('user'), id: UserId, context_attributes: UserRoleChange },
  { additionalProperties: false },
);

export const PatchGroupUsersBody = Type.Object(
  { data: Type.Array(UserRoleEntry, { minItems: 1, maxItems: MAX_ENTRIES }) },
  {
    additionalProperties: false,
    examples: [
      { data: [{ type: 'user', id: 'user_1', context_attributes: { quota_limits: { api_requests_daily: { allowed: 10 } } } }] },
      { data: [{ type: 'user', id: 'user_1', context_attributes: { add_roles: ['USER_ROLE_PRIVATE_SCANNING'] } }] },
    ],
  },
);
export type PatchGroupUsersBodyT = Static<typeof PatchGroupUsersBody>;

export const Principal = Type.Object(
  {
    type: Type.Union([Type.Literal('user'), Type.Literal('group')]),
    id: Type.String({ pattern: '^(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$', description: 'Username or group ID.' }),
  },
  { additionalProperties: false },
);

export const PrincipalsBody = Type.Object(
  { data: Type.Array(Principal, { minItems: 1, maxItems: MAX_ENTRIES }) },
  {
    additionalProperties: false,
    examples: [{ data: [{ type: 'user', id: 'user1' }, { type: 'group', id: 'group1' }] }],
  },
);
export type PrincipalsBodyT = Static<typeof PrincipalsBody>;
