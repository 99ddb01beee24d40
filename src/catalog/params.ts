import { Type } from '@sinclair/typebox';

// Patterns are ASCII-only and exclude '/', '\', '%', '..' and control characters, so a value that passes can only
// ever name one path segment upstream, whatever decoding happened before validation.
const SEGMENT_NO_DOTDOT = '(?!.*\\.\\.)';

/**
 * A gateway client token (`vtgw_` and 16 or more base64url characters, as secret-shapes.ts withholds it), refused
 * wherever an id goes: a caller that pastes its token where its VirusTotal key went (vt-py's `/users/{apikey}`) would
 * otherwise send it to VirusTotal and to the audit log. A short id such as `vtgw_ops` is no token and passes.
 */
export const NOT_A_CLIENT_TOKEN = '(?!vtgw_[A-Za-z0-9_-]{16})';

export const GroupId = Type.String({
  pattern: `^${NOT_A_CLIENT_TOKEN}${SEGMENT_NO_DOTDOT}[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`,
  description: 'Group ID (My Group → Group preferences in VirusTotal), e.g. `my_group_id`.',
  examples: ['my_group_id'],
});

/** 64 hex digits: an API key, which VirusTotal takes where a user goes; the gateway refuses one everywhere it names a user. */
export const NOT_AN_API_KEY = `(?![0-9a-fA-F]{64}$)${NOT_A_CLIENT_TOKEN}`;

export const UserId = Type.String({
  pattern: `^${NOT_AN_API_KEY}${SEGMENT_NO_DOTDOT}[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$`,
  description: 'VirusTotal username (not the email), e.g. `user_1`. An API key (64 hex digits) or a gateway token is refused.',
  examples: ['user_1'],
});

/**
 * A user as the user routes name it: a username or an email. VirusTotal also takes an API key here; the gateway
 * refuses one (64 hex digits), so that no key reaches a path it forwards or an audit line it writes.
 */
export const UserRef = Type.String({
  pattern: `^${NOT_AN_API_KEY}${SEGMENT_NO_DOTDOT}[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$`,
  description: 'VirusTotal username (or email), e.g. `user_1`. An API key (64 hex digits) or a gateway token is refused.',
  examples: ['user_1'],
});

/** `<group ID>_<service account ID>`; VirusTotal also takes the email-like identifier, hence `@` and `.`. */
export const ServiceAccountId = Type.String({
  pattern: `^${NOT_A_CLIENT_TOKEN}${SEGMENT_NO_DOTDOT}[A-Za-z0-9][A-Za-z0-9_.@+-]{0,255}$`,
  description: 'Service account ID, `<group ID>_<service account ID>`, e.g. `my_group_id_vt_enrichment`.',
  examples: ['my_group_id_vt_enrichment'],
});

/** VirusTotal's user object, Relationships. */
export const USER_RELATIONSHIPS = ['groups', 'groups_managed', 'api_quota_group', 'intelligence_quota_group', 'monitor_quota_group'] as const;

/** VirusTotal's group object, Relationships (api_usage is an endpoint of its own, not a relationship). */
export const GROUP_RELATIONSHIPS = ['administrators', 'graphs', 'users', 'service_accounts'] as const;
/** The threat-profile access levels VirusTotal documents by example. */
export const THREAT_PROFILE_RELATIONSHIPS = ['editors', 'viewers'] as const;

const oneOf = (names: readonly string[]): string => `(?:${names.join('|')})`;

/** A closed list: the pattern is what is checked, the enum is what OpenAPI and MCP show and what errors name. */
function relationshipName(names: readonly string[], description: string) {
  return Type.String({ pattern: `^${oneOf(names)}$`, enum: [...names], description, examples: [names[0]] });
}

export const GroupRelationship = relationshipName(
  GROUP_RELATIONSHIPS,
  'Group relationship (VirusTotal group object, Relationships); no other name is forwarded.',
);

export const ThreatProfileRelationship = relationshipName(
  THREAT_PROFILE_RELATIONSHIPS,
  'Threat-profile relationship: the access level; no other name is forwarded.',
);

export const UserRelationship = relationshipName(
  USER_RELATIONSHIPS,
  'User relationship (VirusTotal user object, Relationships); no other name is forwarded.',
);

export const ThreatProfileId = Type.String({
  pattern: `^${NOT_A_CLIENT_TOKEN}[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`,
  description: 'Threat profile ID, e.g. `332e02da667746f180a9740e94a3ec98`.',
  examples: ['332e02da667746f180a9740e94a3ec98'],
});

export const GroupParams = Type.Object({ id: GroupId }, { additionalProperties: false });
export const GroupUserParams = Type.Object({ id: GroupId, user_id: UserId }, { additionalProperties: false });
export const GroupRelationshipParams = Type.Object(
  { id: GroupId, relationship: GroupRelationship },
  { additionalProperties: false },
);
export const ThreatProfileParams = Type.Object({ id: ThreatProfileId }, { additionalProperties: false });
export const ThreatProfileRelationshipParams = Type.Object(
  { id: ThreatProfileId, relationship: ThreatProfileRelationship },
  { additionalProperties: false },
);

/** What a threat profile's relationships may be read as: its access levels, and the collections recommended to it. */
export const THREAT_PROFILE_READABLE_RELATIONSHIPS = [...THREAT_PROFILE_RELATIONSHIPS, 'recommendations'] as const;

export const ThreatProfileReadableRelationship = relationshipName(
  THREAT_PROFILE_READABLE_RELATIONSHIPS,
  'Threat-profile relationship to read: an access level (`editors`, `viewers`) or `recommendations`; no other name is forwarded.',
);

export const ThreatProfileReadableRelationshipParams = Type.Object(
  { id: ThreatProfileId, relationship: ThreatProfileReadableRelationship },
  { additionalProperties: false },
);

export const UserParams = Type.Object({ id: UserRef }, { additionalProperties: false });
export const UserRelationshipParams = Type.Object({ id: UserRef, relationship: UserRelationship }, { additionalProperties: false });
export const ServiceAccountParams = Type.Object({ id: ServiceAccountId }, { additionalProperties: false });

const MAX_LIMIT = 40;

/** Comma-separated attribute names, as VirusTotal's `attributes=` takes them (not a closed list: VirusTotal may add). */
const Attributes = Type.String({
  pattern: '^[A-Za-z0-9_]{1,64}(?:,[A-Za-z0-9_]{1,64}){0,49}$',
  description: 'Comma-separated names of the attributes to return, e.g. `first_name,last_name,email`',
  examples: ['first_name,last_name,email'],
});

/** Query parameters of every listing: the page, and what VirusTotal's own clients send to shape it. */
export const ListingQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_LIMIT,
        description: `Page size, 1 to ${MAX_LIMIT} (VirusTotal default: 10).`,
        'x-above-maximum': `Limit can't be larger than ${MAX_LIMIT}`,
      }),
    ),
    cursor: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_\\-=+/.:~]{1,1024}$',
        description: 'Opaque continuation cursor: the `meta.cursor` of the previous page.',
      }),
    ),
    attributes: Type.Optional(Attributes),
    filter: Type.Optional(
      Type.String({
        pattern: '^[^\\u0000-\\u001f\\u007f]{1,1024}$',
        description: 'VirusTotal filter expression, e.g. `2fa_enabled:false` (1 to 1024 characters, no control characters)',
        examples: ['2fa_enabled:false'],
      }),
    ),
    descriptors_only: Type.Optional(
      Type.Boolean({ description: 'When true, VirusTotal returns descriptors (`type`, `id`) instead of full objects.' }),
    ),
  },
  { additionalProperties: false },
);

/** Query parameters of an object GET: relationships (of `names`) to embed as descriptors, and the attributes to return. */
function objectQuery(names: readonly string[], example: string) {
  return Type.Object(
    {
      relationships: Type.Optional(
        Type.String({
          pattern: `^${oneOf(names)}(?:,${oneOf(names)}){0,${names.length - 1}}$`,
          description: `Comma-separated relationships to embed as descriptors, each one of ${names.join(', ')}`,
          examples: [example],
        }),
      ),
      attributes: Type.Optional(Attributes),
    },
    { additionalProperties: false },
  );
}

export const GroupObjectQuery = objectQuery(GROUP_RELATIONSHIPS, 'users,administrators');

/**
 * Relationships a threat profile object embeds as descriptors: its access levels, and `recommendations` (the name
 * google/mcp-security's GTI tools ask for).
 */
export const THREAT_PROFILE_OBJECT_RELATIONSHIPS = THREAT_PROFILE_READABLE_RELATIONSHIPS;
export const ThreatProfileObjectQuery = objectQuery(THREAT_PROFILE_OBJECT_RELATIONSHIPS, 'editors,viewers');

/** Query parameters of a collection of objects (not a relationship): the page, and vt-cli's `--filter`. */
export const CollectionQuery = Type.Object(
  {
    limit: ListingQuery.properties.limit,
    cursor: ListingQuery.properties.cursor,
    filter: Type.Optional(
      Type.String({
        pattern: '^[^\\u0000-\\u001f\\u007f]{1,1024}$',
        description: 'VirusTotal filter expression, e.g. `name:APT` (1 to 1024 characters, no control characters)',
        examples: ['name:APT'],
      }),
    ),
  },
  { additionalProperties: false },
);

export const UserObjectQuery = objectQuery(USER_RELATIONSHIPS, 'groups');

/** Query parameters of a service-account object GET (VirusTotal documents no relationship of a service account). */
export const AttributesQuery = Type.Object({ attributes: Type.Optional(Attributes) }, { additionalProperties: false });

const UsageDate = (which: string) =>
  Type.Optional(
    Type.String({
      pattern: '^[0-9]{8}$',
      description: `${which} day, \`YYYYMMDD\` (UTC). VirusTotal: the range is at most 30 days and data is kept 60 days.`,
      examples: ['20260101'],
    }),
  );

/** An API-usage report's range; VirusTotal's default is the last 30 days. */
export const UsageQuery = Type.Object(
  { start_date: UsageDate('First'), end_date: UsageDate('Last') },
  { additionalProperties: false },
);

/** Operations that take no query parameter: any name sent is refused rather than dropped. */
export const NoQuery = Type.Object({}, { additionalProperties: false });

/** The path parameters of a collection's own path (`/threat_profiles`): none. */
export const NoParams = Type.Object({}, { additionalProperties: false });
