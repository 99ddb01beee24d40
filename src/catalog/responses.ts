import { Type } from '@sinclair/typebox';

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'VirusTotal error code, e.g. `NotFoundError`.' }),
      message: Type.String(),
    }),
  },
  { description: 'VirusTotal error shape, used by VirusTotal and by the gateway alike.' },
);

const Links = Type.Object({ self: Type.String(), next: Type.Optional(Type.String()) });
const ListMeta = Type.Object({ count: Type.Optional(Type.Integer()), cursor: Type.Optional(Type.String()) });

const Descriptor = Type.Object(
  {
    type: Type.String(),
    id: Type.String(),
    context_attributes: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);

const VtObject = Type.Object(
  {
    type: Type.String(),
    id: Type.String(),
    links: Type.Optional(Type.Object({ self: Type.String() })),
    attributes: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: true },
);

export const GroupObjectResponse = Type.Object(
  { data: VtObject },
  { description: 'The group object, passed through from VirusTotal unchanged.' },
);
export const DescriptorListResponse = Type.Object(
  { data: Type.Array(Descriptor), meta: Type.Optional(ListMeta), links: Type.Optional(Links) },
  { description: 'A page of object descriptors, passed through from VirusTotal unchanged.' },
);
export const ObjectListResponse = Type.Object(
  { data: Type.Array(VtObject), meta: Type.Optional(ListMeta), links: Type.Optional(Links) },
  { description: 'A page of full objects, passed through from VirusTotal unchanged.' },
);
export const CheckResponse = Type.Object(
  { data: Type.Boolean() },
  { description: '`{"data": true}` or `{"data": false}`, passed through from VirusTotal unchanged.' },
);
export const EmptyResponse = Type.Null({
  description: 'Success. VirusTotal answers these writes with an empty body, passed through unchanged.',
});

export const ServiceAccountObjectResponse = Type.Object(
  { data: VtObject },
  {
    description:
      'The service account object (`apikey`, `email`, `first_name`, `privileges`, `quotas`, `reputation`, `status`, `user_since`). `apikey` reaches only clients with the `service_accounts:keys` scope.',
  },
);
export const UserObjectResponse = Type.Object(
  { data: VtObject },
  { description: 'The user object, passed through from VirusTotal unchanged; what it holds depends on what the key may see.' },
);
export const CreatedServiceAccountsResponse = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'VirusTotal documents no body (its example is `{}`); passed through, with any service-account `apikey` withheld from clients without `service_accounts:keys`.',
  },
);
export const PatchUserResponse = Type.Object(
  {},
  {
    additionalProperties: true,
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
      { additionalProperties: true },
    ),
  },
  { description: 'API calls per day and endpoint in the range, and their totals, passed through from VirusTotal unchanged.' },
);

const QuotaUse = Type.Object(
  { allowed: Type.Optional(Type.Integer()), used: Type.Optional(Type.Integer()), inherited_from: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
export const OverallQuotasResponse = Type.Object(
  {
    data: Type.Record(
      Type.String({ description: 'Quota name, e.g. `api_requests_daily`.' }),
      Type.Object({ group: Type.Optional(QuotaUse), user: Type.Optional(QuotaUse) }, { additionalProperties: true }),
    ),
  },
  { description: "The user's allowance and use per quota, their own and their group's, passed through from VirusTotal unchanged." },
);
