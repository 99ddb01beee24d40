import t from 'tap';
import { asListing, call, DEMO_PROFILE, KEYS, snapshot, startSimulator } from './fixtures/simulator-client.js';

const profileOf = (simulator: ReturnType<typeof startSimulator>) => simulator.state.threatProfiles.get(DEMO_PROFILE);
const relationshipUrl = (relationship: string) => `/threat_profiles/${DEMO_PROFILE}/relationships/${relationship}`;

// The three DELETE payloads of the VirusTotal docs' threat-profile page (seeds/001), verbatim and in order.
t.test('docs examples: remove user1/user2 and group1/group2 from editors, user1 and group1 from viewers', async (t) => {
  const simulator = startSimulator();
  const profile_id = '332e02da667746f180a9740e94a3ec98';
  const headers = { accept: 'application/json' };

  let relationship = 'editors';
  let payload: unknown = {
    data: [
      { type: 'user', id: 'user1' },
      { type: 'user', id: 'user2' },
    ],
  };
  let response = await call(simulator, 'DELETE', `/threat_profiles/${profile_id}/relationships/${relationship}`, { key: KEYS.admin, body: payload, headers });
  t.equal(response.status, 200);
  t.equal(response.text, '');
  t.strictSame(profileOf(simulator)?.editors, [
    { type: 'group', id: 'group1' },
    { type: 'group', id: 'group2' },
  ]);

  relationship = 'editors';
  payload = {
    data: [
      { type: 'group', id: 'group1' },
      { type: 'group', id: 'group2' },
    ],
  };
  response = await call(simulator, 'DELETE', `/threat_profiles/${profile_id}/relationships/${relationship}`, { key: KEYS.admin, body: payload, headers });
  t.equal(response.status, 200);
  t.strictSame(profileOf(simulator)?.editors, []);

  relationship = 'viewers';
  payload = {
    data: [
      { type: 'user', id: 'user1' },
      { type: 'group', id: 'group1' },
    ],
  };
  response = await call(simulator, 'DELETE', `/threat_profiles/${profile_id}/relationships/${relationship}`, { key: KEYS.admin, body: payload, headers });
  t.equal(response.status, 200, 'principals absent from viewers are a no-op');
  t.strictSame(profileOf(simulator)?.viewers, [
    { type: 'user', id: 'user3' },
    { type: 'group', id: 'group3' },
  ]);
});

t.test('descriptor and object listings', async (t) => {
  const simulator = startSimulator();
  const editors = asListing(await call(simulator, 'GET', relationshipUrl('editors'), { key: KEYS.admin }));
  t.strictSame(editors, {
    data: [
      { type: 'user', id: 'user1' },
      { type: 'user', id: 'user2' },
      { type: 'group', id: 'group1' },
      { type: 'group', id: 'group2' },
    ],
    meta: { count: 4 },
    links: { self: `https://www.virustotal.com/api/v3/threat_profiles/${DEMO_PROFILE}/relationships/editors?limit=10` },
  });

  const paged = asListing(await call(simulator, 'GET', `${relationshipUrl('editors')}?limit=3`, { key: KEYS.admin }));
  t.equal(paged.data.length, 3);
  t.type(paged.links.next, 'string');

  const viewers = asListing(await call(simulator, 'GET', `/threat_profiles/${DEMO_PROFILE}/viewers`, { key: KEYS.group3Member }));
  t.equal(viewers.links.self, `https://www.virustotal.com/api/v3/threat_profiles/${DEMO_PROFILE}/viewers?limit=10`);
  t.match(viewers.data, [
    { type: 'user', id: 'user3', links: { self: 'https://www.virustotal.com/api/v3/users/user3' }, attributes: { first_name: 'Carol' } },
    { type: 'group', id: 'group3', links: { self: 'https://www.virustotal.com/api/v3/groups/group3' }, attributes: { organization: 'Group Three', quotas: Object } },
  ]);
  t.notOk('email' in (viewers.data[0]?.attributes ?? {}), 'a plain member of group3 does not see its admin\'s email');

  const editorObjects = asListing(await call(simulator, 'GET', `/threat_profiles/${DEMO_PROFILE}/editors`, { key: KEYS.admin }));
  t.strictSame(editorObjects.data[2]?.attributes, { organization: 'Group One', organization_legal_name: 'Group One S.L.' }, 'outsiders see only organization names');
});

t.test('objects that no longer exist are listed as error items', async (t) => {
  const simulator = startSimulator();
  simulator.state.users.delete('user1');
  simulator.state.groups.delete('group1');
  const editors = asListing(await call(simulator, 'GET', `/threat_profiles/${DEMO_PROFILE}/editors`, { key: KEYS.admin }));
  t.match(editors.data, [
    { type: 'user', id: 'user1', error: { code: 'NotFoundError' } },
    { type: 'user', id: 'user2' },
    { type: 'group', id: 'group1', error: { code: 'NotFoundError' } },
    { type: 'group', id: 'group2' },
  ]);
});

t.test('POST adds principals and moves them between levels', async (t) => {
  const simulator = startSimulator();
  const result = await call(simulator, 'POST', relationshipUrl('viewers'), {
    key: KEYS.admin,
    body: { data: [{ type: 'user', id: 'user1' }, { type: 'group', id: 'other_group' }, { type: 'user', id: 'user3' }] },
  });
  t.equal(result.status, 200);
  t.equal(result.text, '');
  const profile = profileOf(simulator);
  t.strictSame(profile?.editors, [
    { type: 'user', id: 'user2' },
    { type: 'group', id: 'group1' },
    { type: 'group', id: 'group2' },
  ], 'user1 is no longer an editor');
  t.strictSame(profile?.viewers, [
    { type: 'user', id: 'user3' },
    { type: 'group', id: 'group3' },
    { type: 'user', id: 'user1' },
    { type: 'group', id: 'other_group' },
  ]);

  const readable = await call(simulator, 'GET', relationshipUrl('viewers'), { key: KEYS.otherAdmin });
  t.equal(readable.status, 200, 'other_group members can now read');
  const writable = await call(simulator, 'POST', relationshipUrl('viewers'), { key: KEYS.otherAdmin, body: { data: [{ type: 'user', id: 'other_member' }] } });
  t.equal(writable.status, 403, 'but viewers cannot write');
});

t.test('POST and DELETE are all-or-nothing', async (t) => {
  const simulator = startSimulator();
  const before = snapshot(simulator);
  const good = { type: 'user', id: 'new_user' };
  const cases: Array<[string, 'POST' | 'DELETE', unknown, number, string]> = [
    ['unknown user', 'POST', { data: [good, { type: 'user', id: 'ghost' }] }, 404, 'NotFoundError'],
    ['unknown group', 'POST', { data: [good, { type: 'group', id: 'ghost_group' }] }, 404, 'NotFoundError'],
    ['the owner', 'POST', { data: [good, { type: 'user', id: 'demo_admin' }] }, 400, 'InvalidArgumentError'],
    ['a wrong type', 'POST', { data: [good, { type: 'graph', id: 'g1' }] }, 400, 'BadRequestError'],
    ['an empty list', 'POST', { data: [] }, 400, 'BadRequestError'],
    ['malformed JSON', 'POST', '{"data":', 400, 'BadRequestError'],
    ['unknown user on delete', 'DELETE', { data: [{ type: 'user', id: 'user1' }, { type: 'user', id: 'ghost' }] }, 404, 'NotFoundError'],
    ['no body on delete', 'DELETE', undefined, 400, 'BadRequestError'],
  ];
  for (const [name, method, body, status, code] of cases) {
    const result = await call(simulator, method, relationshipUrl('editors'), { key: KEYS.admin, body });
    t.equal(result.status, status, name);
    t.match(result.json, { error: { code } }, name);
  }
  t.equal(snapshot(simulator), before);
});

t.test('who may read and write', async (t) => {
  const simulator = startSimulator();
  const body = { data: [{ type: 'user', id: 'new_user' }] };
  const read = async (key: string) => (await call(simulator, 'GET', relationshipUrl('editors'), { key })).status;
  const write = async (key: string) => (await call(simulator, 'POST', relationshipUrl('viewers'), { key, body })).status;

  t.equal(await read(KEYS.admin), 200, 'owner reads');
  t.equal(await read(KEYS.group1Member), 200, 'editor through group reads');
  t.equal(await read(KEYS.group3Member), 200, 'viewer through group reads');
  t.equal(await read(KEYS.member), 403, 'a stranger may not read');
  t.equal((await call(simulator, 'GET', `/threat_profiles/${DEMO_PROFILE}/editors`, { key: KEYS.member })).status, 403);

  t.equal(await write(KEYS.group3Member), 403, 'a viewer may not write');
  t.equal(await write(KEYS.member), 403);
  t.equal((await call(simulator, 'DELETE', relationshipUrl('viewers'), { key: KEYS.group3Member, body })).status, 403);
  t.notOk(profileOf(simulator)?.viewers.some((principal) => principal.id === 'new_user'));

  t.equal(await write(KEYS.group1Member), 200, 'an editor through group writes');
  t.ok(profileOf(simulator)?.viewers.some((principal) => principal.id === 'new_user'));
  const removeSelf = await call(simulator, 'DELETE', relationshipUrl('editors'), { key: KEYS.group1Member, body: { data: [{ type: 'group', id: 'group1' }] } });
  t.equal(removeSelf.status, 200);
  t.equal(await write(KEYS.group1Member), 403, 'group1 lost editor access');

  const privateProfile = await call(simulator, 'GET', '/threat_profiles/5b0f0c2a8d7e4f31a6c9e2d4b7a81f60/relationships/viewers', { key: KEYS.admin });
  t.equal(privateProfile.status, 403);
  t.equal((await call(simulator, 'GET', '/threat_profiles/5b0f0c2a8d7e4f31a6c9e2d4b7a81f60/relationships/viewers', { key: KEYS.otherAdmin })).status, 200);
});

t.test('unknown profiles, relationships and missing keys', async (t) => {
  const simulator = startSimulator();
  const unknownProfile = await call(simulator, 'GET', '/threat_profiles/0000/relationships/editors', { key: KEYS.admin });
  t.equal(unknownProfile.status, 404);
  t.match(unknownProfile.json, { error: { code: 'NotFoundError', message: 'Threat profile "0000" not found' } });
  t.equal((await call(simulator, 'DELETE', '/threat_profiles/0000/relationships/editors', { key: KEYS.admin, body: { data: [{ type: 'user', id: 'user1' }] } })).status, 404);

  for (const [method, path] of [
    ['POST', relationshipUrl('recommendations')],
    ['GET', `/threat_profiles/${DEMO_PROFILE}/owners`],
    ['POST', relationshipUrl('owners')],
    ['DELETE', relationshipUrl('owners')],
  ] as const) {
    const result = await call(simulator, method, path, { key: KEYS.admin, body: method === 'GET' ? undefined : { data: [{ type: 'user', id: 'user1' }] } });
    t.equal(result.status, 404, `${method} ${path}`);
    t.match(result.json, { error: { code: 'NotFoundError', message: /Relationship/ } });
  }
  const recommendations = await call(simulator, 'GET', relationshipUrl('recommendations'), { key: KEYS.admin });
  t.equal(recommendations.status, 200, 'recommendations are read like the access levels');
  t.match(recommendations.json, { data: [], meta: { count: 0 } }, 'and none are simulated');
  t.equal((await call(simulator, 'GET', relationshipUrl('editors'))).status, 401);
  t.equal((await call(simulator, 'GET', `${relationshipUrl('editors')}?limit=100`, { key: KEYS.admin })).status, 400);
});
