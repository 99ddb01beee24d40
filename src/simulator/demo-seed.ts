import { createHash } from 'node:crypto';
import type { GraphRecord, GroupAttributes, SeedGroup, SimulatorSeed, SimUser } from './model.js';
import { GROUP_ADMIN_ROLE, PRIVATE_SCANNING_ROLE } from './membership.js';
import { newServiceAccount } from './service-account-record.js';

/** Owns the demo API key: administrator of `my_group_id` and owner of the demo threat profile. */
export const DEMO_ADMIN_USER = 'demo_admin';
export const DEMO_GROUP_ID = 'my_group_id';
const OTHER_GROUP_ID = 'other_group';
/** The profile used by the threat-profile examples in the VirusTotal docs. */
export const DEMO_THREAT_PROFILE_ID = '332e02da667746f180a9740e94a3ec98';
/** A profile owned by another group's admin and shared with nobody: the demo key gets 403 on it. */
const PRIVATE_THREAT_PROFILE_ID = '5b0f0c2a8d7e4f31a6c9e2d4b7a81f60';

const JAN_2020 = 1577836800;
const JAN_2024 = 1704067200;
const JUN_2025 = 1748736000;

function user(id: string, firstName: string, lastName: string, dailyAllowance = 1000): SimUser {
  return {
    id,
    email: `${id}@example.com`,
    first_name: firstName,
    last_name: lastName,
    profile_phrase: '',
    reputation: 1,
    status: 'active',
    user_since: JAN_2020,
    last_login: JUN_2025,
    quotas: {
      api_requests_daily: { allowed: dailyAllowance, used: 0 },
      api_requests_hourly: { allowed: 60000, used: 0 },
      api_requests_monthly: { allowed: 30000, used: 0 },
      intelligence_downloads_monthly: { allowed: 0, used: 0 },
    },
  };
}

function groupAttributes(organization: string, domain: string): GroupAttributes {
  return {
    auto_add_users: [`*@${domain}`],
    contact_emails: [`security@${domain}`],
    country: 'Spain',
    country_iso: 'ES',
    domain_name: domain,
    industry: 'Technology',
    organization,
    organization_legal_name: `${organization} S.L.`,
    agreement_signed_date: JAN_2024,
    preferences: { notifications: { weekly_digest: true } },
    privileges: {
      admin: { granted: true, expiration_date: 1893456000 },
      allinfo: { granted: true, expiration_date: 1893456000 },
      cases: { granted: false, expiration_date: 0 },
    },
    quotas: {
      api_requests_daily: { allowed: 20000, used: 0 },
      api_requests_hourly: { allowed: 60000, used: 0 },
      api_requests_monthly: { allowed: 600000, used: 68 },
      cases_creation_monthly: { allowed: 50, used: 0 },
    },
    quota_usage_by_user: {},
  };
}

function graph(name: string, owner: string): GraphRecord {
  // Real graph ids are "g" followed by 64 hex digits.
  const id = `g${createHash('sha256').update(name).digest('hex')}`;
  return {
    id,
    attributes: { name, owner, private: true, creation_date: JAN_2024, last_modified_date: JUN_2025 },
  };
}

function plainGroup(id: string, organization: string, domain: string, members: SeedGroup['members']): SeedGroup {
  return { id, attributes: groupAttributes(organization, domain), members, graphs: [], service_accounts: [] };
}

const admin = [GROUP_ADMIN_ROLE];


/** A fresh, independent copy of the demo data every call. */
export function demoSeed(): SimulatorSeed {
  const demoGroupMembers = [
    { user: DEMO_ADMIN_USER, roles: [...admin] },
    { user: 'user_1', roles: [] },
    { user: 'user_2', roles: [PRIVATE_SCANNING_ROLE] },
    ...Array.from({ length: 11 }, (_, index) => ({ user: `user_${index + 3}`, roles: [] })),
  ];

  return {
    users: [
      user(DEMO_ADMIN_USER, 'Demo', 'Admin', 5000),
      ...Array.from({ length: 13 }, (_, index) => user(`user_${index + 1}`, 'User', `Number ${index + 1}`)),
      user('new_user', 'New', 'User'),
      user('other_admin', 'Other', 'Admin'),
      user('other_member', 'Other', 'Member'),
      user('user1', 'Alice', 'Editor'),
      user('user2', 'Bob', 'Editor'),
      user('user3', 'Carol', 'Viewer'),
      user('group1_member', 'Dave', 'Groupone'),
      user('group3_member', 'Erin', 'Groupthree'),
    ],
    groups: [
      {
        ...plainGroup(DEMO_GROUP_ID, 'Example Corp', 'example.com', demoGroupMembers),
        graphs: [graph('Phishing campaign 2025', DEMO_ADMIN_USER), graph('Ransomware infrastructure', 'user_1')],
        service_accounts: [newServiceAccount(DEMO_GROUP_ID, 'vt_enrichment', JAN_2024)],
      },
      plainGroup(OTHER_GROUP_ID, 'Other Org', 'other.example', [
        { user: 'other_admin', roles: [...admin] },
        { user: 'other_member', roles: [] },
      ]),
      plainGroup('group1', 'Group One', 'group1.example', [
        { user: 'user1', roles: [...admin] },
        { user: 'group1_member', roles: [] },
      ]),
      plainGroup('group2', 'Group Two', 'group2.example', [{ user: 'user2', roles: [...admin] }]),
      plainGroup('group3', 'Group Three', 'group3.example', [
        { user: 'user3', roles: [...admin] },
        { user: 'group3_member', roles: [] },
      ]),
    ],
    threatProfiles: [
      {
        id: DEMO_THREAT_PROFILE_ID,
        owner: DEMO_ADMIN_USER,
        attributes: {
          name: 'Demo threat profile',
          private: true,
          enable_recommendations: true,
          creation_date: JAN_2024,
          last_modification_date: JUN_2025,
        },
        editors: [
          { type: 'user', id: 'user1' },
          { type: 'user', id: 'user2' },
          { type: 'group', id: 'group1' },
          { type: 'group', id: 'group2' },
        ],
        viewers: [
          { type: 'user', id: 'user3' },
          { type: 'group', id: 'group3' },
        ],
      },
      {
        id: PRIVATE_THREAT_PROFILE_ID,
        owner: 'other_admin',
        attributes: {
          name: 'Other org private profile',
          private: true,
          enable_recommendations: false,
          creation_date: JAN_2024,
          last_modification_date: JAN_2024,
        },
        editors: [],
        viewers: [],
      },
    ],
  };
}
