import { BIG_BYTES, USERS_PAGE, WRITE_ANSWER } from './upstream-answers.js';

export type ScenarioId = 'get' | 'post' | 'big';

export interface Scenario {
  id: ScenarioId;
  title: string;
  method: 'GET' | 'POST';
  /** The gateway path; each target maps it to its own. */
  path: string;
  body?: string;
  headers: Record<string, string>;
  connections: number;
  /** Seconds measured per cell (after the warm-up). */
  durationS: number;
  /** Status and body size every target must answer with (checked once before measuring). */
  expect: { status: number; bytes: number };
}

/** A valid body for the gateway's "add users to a group" (users by email address). */
const usersBody = JSON.stringify({ data: Array.from({ length: 10 }, (_, i) => ({ type: 'user', id: `u${i}@example.com` })) });

/** The three scenarios, each measured for `seconds` per cell. */
export function scenarios(seconds: number): Scenario[] {
  return [
    {
      id: 'get',
      title: `GET group users (${Buffer.byteLength(USERS_PAGE)} B)`,
      method: 'GET',
      path: '/v1/groups/my_group_id/relationships/users',
      headers: {},
      connections: 32,
      durationS: seconds,
      expect: { status: 200, bytes: Buffer.byteLength(USERS_PAGE) },
    },
    {
      id: 'post',
      title: 'POST 10 users (validated)',
      method: 'POST',
      path: '/v1/groups/my_group_id/relationships/users',
      body: usersBody,
      headers: { 'content-type': 'application/json' },
      connections: 32,
      durationS: seconds,
      expect: { status: 200, bytes: Buffer.byteLength(WRITE_ANSWER) },
    },
    {
      id: 'big',
      title: 'GET 10 MB body',
      method: 'GET',
      path: '/v1/groups/big',
      headers: {},
      connections: 8,
      durationS: seconds,
      expect: { status: 200, bytes: BIG_BYTES },
    },
  ];
}
