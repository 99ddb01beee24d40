// The simulator's data model: the seed (plain JSON data) and the live state built from it.

export interface Quota {
  allowed: number;
  used: number;
}

export interface Privilege {
  granted: boolean;
  expiration_date: number;
}

export interface SimUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  profile_phrase: string;
  reputation: number;
  status: string;
  user_since: number;
  last_login: number;
  quotas: Record<string, Quota>;
}

export interface GroupAttributes {
  auto_add_users: string[];
  contact_emails: string[];
  country: string;
  country_iso: string;
  domain_name: string;
  industry: string;
  organization: string;
  organization_legal_name: string;
  agreement_signed_date: number;
  preferences: Record<string, Record<string, unknown>>;
  privileges: Record<string, Privilege>;
  quotas: Record<string, Quota>;
  quota_usage_by_user: Record<string, unknown>;
}

export interface GraphRecord {
  id: string;
  attributes: {
    name: string;
    owner: string;
    private: boolean;
    creation_date: number;
    last_modified_date: number;
  };
}

export interface ServiceAccountRecord {
  /** `<group ID>_<service account ID>` */
  id: string;
  /** The account's own VirusTotal key: shown to the group's administrators only. */
  apikey: string;
  attributes: {
    email: string;
    first_name: string;
    privileges: Record<string, Privilege>;
    quotas: Record<string, Quota>;
    reputation: number;
    status: string;
    user_since: number;
  };
}

export interface Membership {
  roles: string[];
}

export interface SimGroup {
  id: string;
  attributes: GroupAttributes;
  /** username -> membership, in joining order (listings page through this order) */
  members: Map<string, Membership>;
  graphs: GraphRecord[];
  service_accounts: ServiceAccountRecord[];
}

export interface PrincipalDescriptor {
  type: 'user' | 'group';
  id: string;
}

export interface ThreatProfileAttributes {
  name: string;
  private: boolean;
  enable_recommendations: boolean;
  creation_date: number;
  last_modification_date: number;
}

export interface SimThreatProfile {
  id: string;
  attributes: ThreatProfileAttributes;
  /** username of the owner */
  owner: string;
  editors: PrincipalDescriptor[];
  viewers: PrincipalDescriptor[];
}

/** Day (`YYYY-MM-DD`, UTC) -> endpoint -> calls. */
export type DailyUsage = Map<string, Record<string, number>>;

export interface SimulatorState {
  users: Map<string, SimUser>;
  groups: Map<string, SimGroup>;
  threatProfiles: Map<string, SimThreatProfile>;
  /** API calls per account (username or service account id), counted as the simulator serves them. */
  apiUsage: Map<string, DailyUsage>;
}

export interface SeedMember {
  user: string;
  roles: string[];
}

export interface SeedGroup extends Omit<SimGroup, 'members'> {
  members: SeedMember[];
}

export interface SimulatorSeed {
  users: SimUser[];
  groups: SeedGroup[];
  threatProfiles: SimThreatProfile[];
}
