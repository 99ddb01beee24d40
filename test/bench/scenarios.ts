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
  /**
   * Measure a number of whole answers (the rate seen in the warm-up times durationS) rather than a time: a run
   * that ends on the clock cuts off every body still streaming, which for 10 MB bodies is most of them.
   */
  wholeAnswers: boolean;
  /** Status and body size every target must answer with (checked once before measuring). */
  expect: { status: number; bytes: number };
}

const usersBody = JSON.stringify({ data: Array.from({ length: 10 }, (_, i) => ({ type: 'user', id: `u${i}@example.com` })) });

/** The three scenarios; `seconds` is the measured duration of the small-body ones, the 10 MB one runs shorter. */
export function scenarios(seconds: number): Scenario[] {
  return [
    {
      id: 'get',
      title: 'GET group users (1 KB)',
      method: 'GET',
      path: '/v1/groups/my_group_id/relationships/users',
      headers: {},
      connections: 32,
      durationS: seconds,
      wholeAnswers: false,
      expect: { status: 200, bytes: 1024 },
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
      wholeAnswers: false,
      expect: { status: 200, bytes: 0 },
    },
    {
      id: 'big',
      title: 'GET 10 MB body',
      method: 'GET',
      path: '/v1/groups/big',
      headers: {},
      connections: 8,
      durationS: Math.max(1, Math.round(seconds * 0.6)),
      wholeAnswers: true,
      expect: { status: 200, bytes: 10 * 1024 * 1024 },
    },
  ];
}
