import t from 'tap';
import { DEMO_THREAT_PROFILE_ID } from '../../src/simulator/index.js';
import { bearer, type TestClient } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';

// The threat profiles themselves: the list (vt threatprofile list) and one profile (vt threatprofile <id>), read with
// `threat_profiles:read` and within the client's threat-profile allowlist.

const OTHER_PROFILE = '5b0f0c2a8d7e4f31a6c9e2d4b7a81f60';
const oneProfile: TestClient = {
  id: 'svc-one-profile',
  token: 'vtgw_one-profile-token-000000000000000000000000',
  scopes: ['threat_profiles:read'],
  threatProfiles: [DEMO_THREAT_PROFILE_ID],
};
const noScope: TestClient = { id: 'svc-groups-only', token: 'vtgw_groups-only-token-000000000000000000000000', scopes: ['groups:read'] };

async function get(stack: Stack, path: string, headers: Record<string, string> = stack.auth): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${stack.url}${path}`, { headers });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

t.test('the list and one profile pass through as VirusTotal answers them; what the query may hold is checked first', async (t) => {
  const stack = await startStack(t, { clients: [oneProfile, noScope] });
  const list = await get(stack, '/v1/threat_profiles');
  t.equal(list.status, 200);
  t.match(list.json, { data: [{ type: 'threat_profile', id: DEMO_THREAT_PROFILE_ID, attributes: { name: 'Demo threat profile', private: true } }], meta: { count: 1 } });
  t.equal(Array.isArray(list.json.data) ? list.json.data.length : -1, 1, "only the profile the key's account holds access to");
  t.same((await get(stack, '/v1/threat_profiles?filter=name%3Anothing')).json.data, [], 'filtered by name');

  const seeded = stack.sim.state.threatProfiles.get(DEMO_THREAT_PROFILE_ID);
  if (seeded === undefined) throw new Error('the demo profile is seeded');
  stack.sim.state.threatProfiles.set('second', { ...structuredClone(seeded), id: 'second', attributes: { ...seeded.attributes, name: 'Second demo' } });
  const first = await get(stack, '/v1/threat_profiles?filter=name%3Ademo&limit=1');
  t.match(first.json, { data: [{ id: DEMO_THREAT_PROFILE_ID }], links: { next: /filter=name%3Ademo/ } }, 'the next page is of the same filtered list');
  const cursor = typeof first.json.meta === 'object' && first.json.meta !== null && 'cursor' in first.json.meta ? String(first.json.meta.cursor) : '';
  const second = await get(stack, `/v1/threat_profiles?filter=name%3Ademo&limit=1&cursor=${cursor}`);
  t.match(second.json, { data: [{ id: 'second', attributes: { name: 'Second demo' } }] });

  const one = await get(stack, `/v1/threat_profiles/${DEMO_THREAT_PROFILE_ID}?relationships=editors,viewers`);
  t.equal(one.status, 200);
  t.match(one.json, {
    data: {
      id: DEMO_THREAT_PROFILE_ID,
      relationships: { editors: { data: [{ type: 'user', id: 'user1' }] }, viewers: { data: [{ type: 'user', id: 'user3' }] } },
    },
  });
  t.equal((await get(stack, `/v1/threat_profiles/${OTHER_PROFILE}`)).status, 403, "VirusTotal's refusal of a profile the key may not see passes through");

  stack.sim.resetStats();
  for (const [path, message] of [
    ['/v1/threat_profiles?limit=41', /Limit can't be larger than 40/],
    ['/v1/threat_profiles?descriptors_only=true', /descriptors_only/],
    [`/v1/threat_profiles/${DEMO_THREAT_PROFILE_ID}?relationships=owners`, /relationships/],
    ['/v1/threat_profiles/bad..id', /id/],
  ] as const) {
    const refused = await get(stack, path);
    t.equal(refused.status, 400, path);
    t.match(refused.json, { error: { message } }, path);
  }
  t.equal(stack.sim.requestCount(), 0, 'no refused query reached VirusTotal');
});

t.test('a client with a threat-profile allowlist reads its profiles one by one, never the list; without the scope, neither', async (t) => {
  const stack = await startStack(t, { clients: [oneProfile, noScope] });
  stack.sim.resetStats();
  const asOne = bearer(oneProfile.token);
  const list = await get(stack, '/v1/threat_profiles', asOne);
  t.equal(list.status, 403);
  t.match(list.json, { error: { code: 'ForbiddenError', message: /only with the threat-profile allowlist "\*"/ } });
  t.equal((await get(stack, `/v1/threat_profiles/${OTHER_PROFILE}`, asOne)).status, 403, 'a profile outside its allowlist');
  t.equal(stack.sim.requestCount(), 0, 'neither refusal reached VirusTotal');
  t.equal((await get(stack, `/v1/threat_profiles/${DEMO_THREAT_PROFILE_ID}`, asOne)).status, 200, 'its own profile');
  t.equal((await get(stack, '/v1/threat_profiles', bearer(noScope.token))).status, 403, 'no threat_profiles:read, no list');
  const lines = stack.auditLines().filter((line) => line.clientId === oneProfile.id);
  t.match(lines, [
    { operation: 'listThreatProfiles', status: 403, targets: {} },
    { operation: 'getThreatProfile', status: 403, targets: { threatProfile: OTHER_PROFILE } },
    { operation: 'getThreatProfile', status: 200, targets: { threatProfile: DEMO_THREAT_PROFILE_ID } },
  ]);
});
