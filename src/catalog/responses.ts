import { Type, type TSchema } from '@sinclair/typebox';

// The answers' shapes as VirusTotal documents them, for OpenAPI (named components) and MCP descriptions. They never
// reshape an answer: VirusTotal's bytes pass through unchanged, so every field is optional and every object open,
// as VirusTotal may add fields. A component refers to another by `$ref` to its `$id`.

const VT = 'https://www.virustotal.com/api/v3';

/** A schema's first example, as OpenAPI lists it next to the schema. */
export function firstExample(schema: TSchema): unknown {
  const examples: unknown = schema.examples;
  return Array.isArray(examples) ? examples[0] : undefined;
}
const ref = (schema: TSchema, options: { description?: string } = {}) => Type.Ref(schema.$id ?? '', options);
const open = { additionalProperties: true } as const;

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'VirusTotal error code, e.g. `NotFoundError`.' }),
      message: Type.String(),
    }),
  },
  {
    $id: 'Error',
    description: 'VirusTotal error shape, used by VirusTotal and by the gateway alike.',
    examples: [{ error: { code: 'NotFoundError', message: 'Group "no_such_group" not found' } }],
  },
);

export const PageLinks = Type.Object(
  {
    self: Type.String({ description: 'This page.' }),
    next: Type.Optional(Type.String({ description: 'The next page; absent on the last one.' })),
  },
  {
    ...open,
    $id: 'PageLinks',
    description:
      "Links to VirusTotal (`https://www.virustotal.com/api/v3/...`), or to the gateway when `PUBLIC_BASE_URL` is set. Following a link to VirusTotal would send the caller's credential there.",
  },
);

export const PageMeta = Type.Object(
  {
    count: Type.Optional(Type.Integer({ description: 'Objects in the whole relationship, when VirusTotal says.' })),
    cursor: Type.Optional(Type.String({ description: 'Pass as `cursor` to get the next page; absent on the last one.' })),
  },
  { ...open, $id: 'PageMeta' },
);

const Quota = Type.Object(
  {
    allowed: Type.Optional(Type.Integer()),
    used: Type.Optional(Type.Integer()),
    inherited_from: Type.Optional(Type.String({ description: 'The group the allowance comes from.' })),
  },
  open,
);
const QUOTA_NAMES = 'By quota name: `api_requests_daily`, `api_requests_hourly`, `api_requests_monthly`, `intelligence_downloads_monthly`, …';
const quotas = (note = '') => Type.Record(Type.String(), Quota, { description: `${QUOTA_NAMES}${note}` });
const Privilege = Type.Object(
  {
    granted: Type.Optional(Type.Boolean()),
    expiration_date: Type.Optional(Type.Integer({ description: 'UTC timestamp.' })),
    inherited_from: Type.Optional(Type.String()),
    inherited_via: Type.Optional(Type.String({ description: 'e.g. `api_quota_group`, `intelligence_quota_group`.' })),
  },
  open,
);
const Privileges = Type.Record(Type.String(), Privilege, { description: 'By privilege name, e.g. `intelligence`, `downloads-tier-2`.' });
const SelfLink = Type.Object({ self: Type.String() }, open);

/** What the roles PATCH manages, as a member's descriptor carries it in a group's user listing. */
export const MemberSettings = Type.Object(
  {
    roles: Type.Optional(Type.Array(Type.String(), { description: 'The member\'s `USER_ROLE_*` names.' })),
    quota_limits: Type.Optional(
      Type.Object(
        { api_requests_daily: Type.Optional(Type.Object({ allowed: Type.Optional(Type.Integer({ description: 'Daily API cap.' })) }, open)) },
        open,
      ),
    ),
  },
  { ...open, $id: 'MemberSettings', description: "A member's roles and daily API cap in the group." },
);

export const Descriptor = Type.Object(
  {
    type: Type.String({ description: 'e.g. `user`, `group`, `service_account`, `graph`.' }),
    id: Type.String(),
    context_attributes: Type.Optional(ref(MemberSettings, { description: "The relationship's own data, e.g. a member's roles." })),
  },
  { ...open, $id: 'Descriptor', description: 'An object descriptor: its type and ID.', examples: [{ type: 'user', id: 'user_1' }] },
);

export const User = Type.Object(
  {
    type: Type.Literal('user'),
    id: Type.String({ description: 'Username.' }),
    links: Type.Optional(SelfLink),
    attributes: Type.Object(
      {
        first_name: Type.Optional(Type.String()),
        last_name: Type.Optional(Type.String()),
        email: Type.Optional(Type.String({ description: 'The user and their group admins only.' })),
        profile_phrase: Type.Optional(Type.String()),
        reputation: Type.Optional(Type.Integer()),
        status: Type.Optional(Type.String({ description: 'e.g. `active`.' })),
        user_since: Type.Optional(Type.Integer({ description: 'UTC timestamp.' })),
        last_login: Type.Optional(Type.Integer({ description: 'UTC timestamp; the user and their group admins only.' })),
        has_2fa: Type.Optional(Type.Boolean({ description: 'The user only.' })),
        apikey: Type.Optional(Type.String({ description: "The user only; the gateway's own key is always withheld." })),
        preferences: Type.Optional(Type.Object({}, open)),
        privileges: Type.Optional(Privileges),
        quotas: Type.Optional(quotas(' The user and their group admins only; group admins may change `api_requests_daily`.')),
      },
      { ...open, description: 'What the key may see of the user: others get only names, phrase, reputation, status and `user_since`.' },
    ),
    context_attributes: Type.Optional(ref(MemberSettings)),
  },
  {
    ...open,
    $id: 'User',
    description: 'A VirusTotal user object.',
    examples: [
      {
        type: 'user',
        id: 'user_1',
        links: { self: `${VT}/users/user_1` },
        attributes: {
          first_name: 'Ada',
          last_name: 'Lovelace',
          email: 'user_1@example.com',
          reputation: 1,
          status: 'active',
          user_since: 1577836800,
          quotas: { api_requests_daily: { allowed: 1000, used: 12 } },
        },
      },
    ],
  },
);

export const Group = Type.Object(
  {
    type: Type.Literal('group'),
    id: Type.String(),
    links: Type.Optional(SelfLink),
    attributes: Type.Object(
      {
        auto_add_users: Type.Optional(Type.Array(Type.String(), { description: 'Group admins only.' })),
        contact_emails: Type.Optional(Type.Array(Type.String())),
        country: Type.Optional(Type.String()),
        country_iso: Type.Optional(Type.String()),
        domain_name: Type.Optional(Type.String()),
        industry: Type.Optional(Type.String()),
        organization: Type.Optional(Type.String()),
        organization_legal_name: Type.Optional(Type.String()),
        agreement_signed_date: Type.Optional(Type.Integer({ description: 'UTC timestamp.' })),
        preferences: Type.Optional(Type.Record(Type.String(), Type.Object({}, open))),
        privileges: Type.Optional(Privileges),
        quotas: Type.Optional(quotas()),
        quota_usage_by_user: Type.Optional(Type.Object({}, open)),
      },
      { ...open, description: 'What the key may see of the group: non-members get the organization names only.' },
    ),
    context_attributes: Type.Optional(Type.Object({ role: Type.Optional(Type.String()) }, open)),
  },
  {
    ...open,
    $id: 'Group',
    description: 'A VirusTotal group object.',
    examples: [
      {
        type: 'group',
        id: 'my_group_id',
        links: { self: `${VT}/groups/my_group_id` },
        attributes: {
          organization: 'Example Corp',
          country_iso: 'ES',
          auto_add_users: ['*@example.com'],
          quotas: { api_requests_daily: { allowed: 20000, used: 0 } },
          privileges: { intelligence: { granted: true, expiration_date: 1893456000 } },
        },
      },
    ],
  },
);

export const ServiceAccount = Type.Object(
  {
    type: Type.Literal('service_account'),
    id: Type.String({ description: '`<group ID>_<service account ID>`.' }),
    links: Type.Optional(SelfLink),
    attributes: Type.Object(
      {
        apikey: Type.Optional(
          Type.String({ description: 'A live VirusTotal key: reaches only clients with the `service_accounts:keys` scope.' }),
        ),
        email: Type.Optional(Type.String({ description: 'Email-like identifier; also gets the object.' })),
        first_name: Type.Optional(Type.String()),
        privileges: Type.Optional(Privileges),
        quotas: Type.Optional(quotas()),
        reputation: Type.Optional(Type.Integer()),
        status: Type.Optional(Type.String()),
        user_since: Type.Optional(Type.Integer({ description: 'UTC timestamp.' })),
      },
      open,
    ),
  },
  {
    ...open,
    $id: 'ServiceAccount',
    description: 'A VirusTotal service account object.',
    examples: [
      {
        type: 'service_account',
        id: 'my_group_id_vt_enrichment',
        links: { self: `${VT}/service_accounts/my_group_id_vt_enrichment` },
        attributes: { first_name: 'vt_enrichment', status: 'active', quotas: { api_requests_daily: { allowed: 1000, used: 0 } } },
      },
    ],
  },
);

export const ThreatProfile = Type.Object(
  {
    type: Type.Literal('threat_profile'),
    id: Type.String(),
    links: Type.Optional(SelfLink),
    attributes: Type.Object(
      {
        name: Type.Optional(Type.String()),
        private: Type.Optional(Type.Boolean()),
        enable_recommendations: Type.Optional(Type.Boolean()),
        creation_date: Type.Optional(Type.Integer({ description: 'UTC timestamp.' })),
        last_modification_date: Type.Optional(Type.Integer({ description: 'UTC timestamp.' })),
        interests: Type.Optional(Type.Object({}, { ...open, description: 'By interest type, e.g. `INTEREST_TYPE_TARGETED_REGION`.' })),
        recommendation_config: Type.Optional(Type.Object({}, open)),
      },
      open,
    ),
    relationships: Type.Optional(Type.Object({}, { ...open, description: 'Embedded descriptors, when `relationships=` asked for them.' })),
  },
  {
    ...open,
    $id: 'ThreatProfile',
    description: 'A threat profile object (Google Threat Intelligence); what it holds depends on what the key may see.',
    examples: [
      {
        type: 'threat_profile',
        id: '332e02da667746f180a9740e94a3ec98',
        links: { self: `${VT}/threat_profiles/332e02da667746f180a9740e94a3ec98` },
        attributes: { name: 'Financial sector', private: true, enable_recommendations: true, creation_date: 1735689600, last_modification_date: 1735689600 },
      },
    ],
  },
);

const MissingObject = Type.Object(
  { type: Type.String(), id: Type.String(), error: ErrorBody.properties.error },
  { ...open, description: 'A related object VirusTotal could not find, in place of the object.' },
);
const OtherObject = Type.Object(
  { type: Type.String({ description: 'e.g. `graph`.' }), id: Type.String(), links: Type.Optional(SelfLink), attributes: Type.Object({}, open) },
  { ...open, description: 'Another VirusTotal object, e.g. a graph.' },
);

export const RelatedObject = Type.Union([ref(User), ref(ServiceAccount), ref(Group), OtherObject, MissingObject], {
  $id: 'RelatedObject',
  description: 'A full object in a relationship: a user, service account, group, or other object (a graph).',
});

const page = (id: string, item: TSchema, description: string, example: object) =>
  Type.Object(
    { data: Type.Array(item), meta: Type.Optional(ref(PageMeta)), links: Type.Optional(ref(PageLinks)) },
    { $id: id, description: `${description} Passed through from VirusTotal unchanged.`, examples: [example] },
  );

const lastPage = (path: string) => ({ meta: { count: 1 }, links: { self: `${VT}${path}?limit=10` } });

export const DescriptorPage = page('DescriptorPage', ref(Descriptor), 'A page of object descriptors.', {
  data: [{ type: 'user', id: 'user_1', context_attributes: { roles: ['USER_ROLE_PRIVATE_SCANNING'], quota_limits: { api_requests_daily: { allowed: 1000 } } } }],
  meta: { count: 2, cursor: 'CuABChEKBGRhdGUSCQjA1' },
  links: {
    self: `${VT}/groups/my_group_id/relationships/users?limit=1`,
    next: `${VT}/groups/my_group_id/relationships/users?limit=1&cursor=CuABChEKBGRhdGUSCQjA1`,
  },
});
export const RelatedObjectPage = page('RelatedObjectPage', ref(RelatedObject), 'A page of full objects.', {
  data: [{ type: 'user', id: 'user_1', links: { self: `${VT}/users/user_1` }, attributes: { first_name: 'Ada', status: 'active' } }],
  ...lastPage('/groups/my_group_id/users'),
});
export const GroupPage = page('GroupPage', ref(Group), 'A page of group objects.', {
  data: [{ type: 'group', id: 'my_group_id', links: { self: `${VT}/groups/my_group_id` }, attributes: { organization: 'Example Corp' } }],
  ...lastPage('/users/user_1/groups_managed'),
});
export const ServiceAccountPage = page('ServiceAccountPage', ref(ServiceAccount), 'A page of service account objects.', {
  data: [{ type: 'service_account', id: 'my_group_id_vt_enrichment', attributes: { first_name: 'vt_enrichment', status: 'active' } }],
  ...lastPage('/groups/my_group_id/service_accounts'),
});

export const ThreatProfilePage = page('ThreatProfilePage', ref(ThreatProfile), 'A page of threat profile objects.', {
  data: [firstExample(ThreatProfile)],
  ...lastPage('/threat_profiles'),
});

const objectResponse = (id: string, item: TSchema, description: string) =>
  Type.Object(
    { data: ref(item) },
    { $id: id, description: `${description} Passed through from VirusTotal unchanged.`, examples: [{ data: firstExample(item) }] },
  );

export const GroupResponse = objectResponse('GroupResponse', Group, 'The group object.');
export const UserResponse = objectResponse('UserResponse', User, 'The user object; what it holds depends on what the key may see.');
export const ServiceAccountResponse = objectResponse(
  'ServiceAccountResponse',
  ServiceAccount,
  'The service account object. `apikey` reaches only clients with the `service_accounts:keys` scope.',
);

export const ThreatProfileResponse = objectResponse('ThreatProfileResponse', ThreatProfile, 'The threat profile object.');

export const CheckResponse = Type.Object(
  { data: Type.Boolean() },
  { $id: 'CheckResponse', description: '`{"data": true}` or `{"data": false}`, passed through from VirusTotal unchanged.', examples: [{ data: true }] },
);
export const EmptyResponse = Type.Null({
  description: 'Success. VirusTotal answers these writes with an empty body, passed through unchanged.',
});

export const CreatedServiceAccountsResponse = Type.Object(
  {},
  {
    ...open,
    $id: 'CreatedServiceAccountsResponse',
    description:
      'VirusTotal documents no body (its example is `{}`); passed through, with any service-account `apikey` withheld from clients without `service_accounts:keys`.',
  },
);
export const PatchUserResponse = Type.Object(
  {},
  {
    ...open,
    $id: 'PatchUserResponse',
    description: 'VirusTotal documents both an empty 200 and the updated user object; either is passed through unchanged.',
  },
);

const EndpointCounts = Type.Record(Type.String(), Type.Integer(), { description: 'Calls per API endpoint.' });
export const ApiUsageResponse = Type.Object(
  {
    data: Type.Object(
      {
        daily: Type.Record(Type.String({ description: 'YYYY-MM-DD' }), EndpointCounts),
        total: EndpointCounts,
      },
      open,
    ),
  },
  {
    $id: 'ApiUsageResponse',
    description: 'API calls per day and endpoint in the range, and their totals, passed through from VirusTotal unchanged.',
    examples: [{ data: { daily: { '2026-01-01': { groups_get: 3 } }, total: { groups_get: 3 } } }],
  },
);

const QuotaUse = Type.Object(
  { allowed: Type.Optional(Type.Integer()), used: Type.Optional(Type.Integer()), inherited_from: Type.Optional(Type.String()) },
  open,
);
export const OverallQuotasResponse = Type.Object(
  {
    data: Type.Record(
      Type.String({ description: 'Quota name, e.g. `api_requests_daily`.' }),
      Type.Object({ group: Type.Optional(QuotaUse), user: Type.Optional(QuotaUse) }, open),
    ),
  },
  {
    $id: 'OverallQuotasResponse',
    description: "The user's allowance and use per quota, their own and their group's, passed through from VirusTotal unchanged.",
    examples: [
      { data: { api_requests_daily: { user: { allowed: 1000, used: 12 }, group: { allowed: 20000, used: 340, inherited_from: 'my_group_id' } } } },
    ],
  },
);

/** Every named response schema, in the order OpenAPI lists them; each refers to others only by `$ref`. */
export const responseComponents: readonly TSchema[] = [
  ErrorBody,
  PageLinks,
  PageMeta,
  MemberSettings,
  Descriptor,
  User,
  Group,
  ServiceAccount,
  ThreatProfile,
  RelatedObject,
  DescriptorPage,
  RelatedObjectPage,
  GroupPage,
  ServiceAccountPage,
  ThreatProfilePage,
  GroupResponse,
  UserResponse,
  ServiceAccountResponse,
  ThreatProfileResponse,
  CheckResponse,
  CreatedServiceAccountsResponse,
  PatchUserResponse,
  ApiUsageResponse,
  OverallQuotasResponse,
];
