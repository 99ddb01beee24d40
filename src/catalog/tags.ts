/** The OpenAPI tags operations are grouped under, in the order Swagger UI shows them. */
export const tags = [
  { name: 'Groups', description: 'The group object and its relationships.' },
  { name: 'Group users', description: 'Members, their roles and daily API allowance.' },
  { name: 'Group administrators', description: 'Who administers the group.' },
  { name: 'Threat profiles', description: 'Who may view or edit a threat profile (public preview).' },
] as const;

export type TagName = (typeof tags)[number]['name'];
