/** The OpenAPI tags operations are grouped under, in the order Swagger UI shows them. */
export const tags = [
  { name: 'Groups', description: 'The group object and its relationships.' },
  { name: 'Group users', description: 'Members, their roles and daily API allowance.' },
  { name: 'Group administrators', description: 'Who administers the group.' },
  { name: 'Service accounts', description: "The group's service accounts: identities for integrations, each with its own API key." },
  { name: 'Users', description: 'A user object, its quotas, API usage and relationships; the daily API allowance.' },
  { name: 'Threat profiles', description: 'Who may view or edit a threat profile (public preview).' },
] as const;

export type TagName = (typeof tags)[number]['name'];
