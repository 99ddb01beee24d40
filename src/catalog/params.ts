import { Type } from '@sinclair/typebox';

// Patterns are ASCII-only and exclude '/', '\', '%', '..' and control characters, so a value that passes can only
// ever name one path segment upstream, whatever decoding happened before validation.
const SEGMENT_NO_DOTDOT = '(?!.*\\.\\.)';

export const GroupId = Type.String({
  pattern: `^${SEGMENT_NO_DOTDOT}[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`,
  description: 'Group ID (My Group → Group preferences in VirusTotal), e.g. `my_group_id`.',
  examples: ['my_group_id'],
});

export const UserId = Type.String({
  pattern: `^${SEGMENT_NO_DOTDOT}[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$`,
  description: 'VirusTotal username (not the email), e.g. `user_1`.',
  examples: ['user_1'],
});

export const RelationshipName = Type.String({
  pattern: '^[a-z][a-z0-9_]{0,63}$',
  description: 'Relationship name: lowercase letters, digits and `_`.',
});

export const GroupRelationship = Type.String({
  ...RelationshipName,
  description:
    'Group relationship: `administrators`, `users`, `graphs` or `service_accounts` (VirusTotal group object, Relationships).',
  examples: ['users'],
});

export const ThreatProfileRelationship = Type.String({
  ...RelationshipName,
  description: 'Threat-profile relationship, e.g. `editors` or `viewers` (access levels).',
  examples: ['editors'],
});

export const ThreatProfileId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$',
  description: 'Threat profile ID, e.g. `332e02da667746f180a9740e94a3ec98`.',
  examples: ['332e02da667746f180a9740e94a3ec98'],
});

export const GroupParams = Type.Object({ id: GroupId }, { additionalProperties: false });
export const GroupUserParams = Type.Object({ id: GroupId, user_id: UserId }, { additionalProperties: false });
export const GroupRelationshipParams = Type.Object(
  { id: GroupId, relationship: GroupRelationship },
  { additionalProperties: false },
);
export const ThreatProfileRelationshipParams = Type.Object(
  { id: ThreatProfileId, relationship: ThreatProfileRelationship },
  { additionalProperties: false },
);

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 40, description: 'Page size, 1 to 40 (VirusTotal default: 10).' }),
    ),
    cursor: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_\\-=+/.:~]{1,1024}$',
        description: 'Opaque continuation cursor: the `meta.cursor` of the previous page.',
      }),
    ),
  },
  { additionalProperties: false },
);
