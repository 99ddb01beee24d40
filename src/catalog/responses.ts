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
