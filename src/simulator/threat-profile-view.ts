import { apiUrl } from './links.js';
import type { SimThreatProfile, ThreatProfileAttributes } from './model.js';
import type { ProfileRelationship } from './threat-profile-changes.js';

/** What a threat profile object embeds on `relationships=`: its access levels, and no recommendations (none simulated). */
export type EmbeddedProfileRelationship = ProfileRelationship | 'recommendations';

interface ThreatProfileObject {
  type: 'threat_profile';
  id: string;
  links: { self: string };
  attributes: ThreatProfileAttributes;
  relationships?: Record<string, { data: { type: string; id: string }[]; links: { self: string; related: string } }>;
}

/** The threat profile as any reader sees it, with the relationships asked for embedded as descriptors. */
export function threatProfileObject(profile: SimThreatProfile, embed: readonly EmbeddedProfileRelationship[] = []): ThreatProfileObject {
  const object: ThreatProfileObject = {
    type: 'threat_profile',
    id: profile.id,
    links: { self: apiUrl('threat_profiles', profile.id) },
    attributes: structuredClone(profile.attributes),
  };
  if (embed.length > 0) {
    object.relationships = Object.fromEntries(
      embed.map((name) => [
        name,
        {
          data: name === 'recommendations' ? [] : profile[name].map(({ type, id }) => ({ type, id })),
          links: { self: apiUrl('threat_profiles', profile.id, 'relationships', name), related: apiUrl('threat_profiles', profile.id, name) },
        },
      ]),
    );
  }
  return object;
}

/**
 * `filter` of the profile list: `name:<text>` keeps the profiles whose name contains the text (any case); no filter
 * keeps all. Returns undefined for a filter the simulator does not know.
 */
export function filteredProfiles(profiles: readonly SimThreatProfile[], filter: string | undefined): SimThreatProfile[] | undefined {
  if (filter === undefined) return [...profiles];
  const match = /^name:(.+)$/.exec(filter);
  if (match?.[1] === undefined) return undefined;
  const text = match[1].replace(/^"(.*)"$/, '$1').toLowerCase();
  return profiles.filter((profile) => profile.attributes.name.toLowerCase().includes(text));
}
