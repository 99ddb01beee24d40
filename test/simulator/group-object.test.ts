import t from 'tap';
import { call, KEYS, snapshot, startSimulator } from './fixtures/simulator-client.js';

interface GroupBody {
  data: { type: string; id: string; links: { self: string }; attributes: Record<string, unknown> };
}

t.test('GET /groups/{id} returns the group object to an administrator', async (t) => {
  const result = await call(startSimulator(), 'GET', '/groups/my_group_id', { key: KEYS.admin });
  t.equal(result.status, 200);
  t.match(result.headers['content-type'], /^application\/json/);
  const { data } = result.json as GroupBody;
  t.equal(data.type, 'group');
  t.equal(data.id, 'my_group_id');
  t.strictSame(data.links, { self: 'https://www.virustotal.com/api/v3/groups/my_group_id' });
  t.strictSame(Object.keys(data.attributes).sort(), [
    'agreement_signed_date',
    'auto_add_users',
    'contact_emails',
    'country',
    'country_iso',
    'domain_name',
    'industry',
    'organization',
    'organization_legal_name',
    'preferences',
    'privileges',
    'quota_usage_by_user',
    'quotas',
  ]);
  t.match(data.attributes, {
    quotas: { api_requests_daily: { allowed: Number, used: Number } },
    privileges: { admin: { granted: Boolean, expiration_date: Number } },
    auto_add_users: ['*@example.com'],
  });
});

t.test('auto_add_users is shown to administrators only', async (t) => {
  const result = await call(startSimulator(), 'GET', '/groups/my_group_id', { key: KEYS.member });
  t.equal(result.status, 200);
  const { attributes } = (result.json as GroupBody).data;
  t.notOk('auto_add_users' in attributes);
  t.ok('quotas' in attributes && 'organization' in attributes);
});

t.test('a non-member gets 403 ForbiddenError', async (t) => {
  const result = await call(startSimulator(), 'GET', '/groups/my_group_id', { key: KEYS.otherAdmin });
  t.equal(result.status, 403);
  t.strictSame(result.json, {
    error: { code: 'ForbiddenError', message: 'You are not authorized to perform the requested operation' },
  });
});

t.test('PATCH /groups/{id} updates the given attributes and returns the group', async (t) => {
  const simulator = startSimulator();
  const before = structuredClone(simulator.state.groups.get('my_group_id')?.attributes);
  const result = await call(simulator, 'PATCH', '/groups/my_group_id', {
    key: KEYS.admin,
    body: {
      data: {
        type: 'group',
        id: 'my_group_id',
        attributes: {
          auto_add_users: ['*@google.com', '*@virustotal.com', 'someone@example.org'],
          organization: 'Renamed Corp',
          contact_emails: ['soc@example.com'],
          preferences: { ui: { theme: 'dark' } },
        },
      },
    },
  });
  t.equal(result.status, 200);
  const { data } = result.json as GroupBody;
  t.equal(data.id, 'my_group_id');
  t.match(data.attributes, {
    auto_add_users: ['*@google.com', '*@virustotal.com', 'someone@example.org'],
    organization: 'Renamed Corp',
    contact_emails: ['soc@example.com'],
    preferences: { ui: { theme: 'dark' } },
  });
  const after = simulator.state.groups.get('my_group_id')?.attributes;
  t.equal(after?.organization, 'Renamed Corp');
  t.equal(after?.domain_name, before?.domain_name, 'attributes not given stay unchanged');
  t.strictSame(after?.quotas, before?.quotas);
});

t.test('PATCH without an id and with every writable attribute (the guide\'s payload shape)', async (t) => {
  const simulator = startSimulator();
  const attributes = {
    auto_add_users: ['*@google.com'],
    contact_emails: [],
    country: 'France',
    country_iso: 'FR',
    domain_name: 'example.fr',
    industry: 'Finance',
    organization: 'Exemple',
    organization_legal_name: 'Exemple SA',
    preferences: {},
  };
  const result = await call(simulator, 'PATCH', '/groups/my_group_id', {
    key: KEYS.admin,
    body: { data: { type: 'group', attributes } },
  });
  t.equal(result.status, 200);
  t.match(simulator.state.groups.get('my_group_id')?.attributes, attributes);
});

t.test('PATCH rejects bad bodies with 400 and changes nothing', async (t) => {
  const simulator = startSimulator();
  const before = snapshot(simulator);
  const patch = (data: unknown) => call(simulator, 'PATCH', '/groups/my_group_id', { key: KEYS.admin, body: { data } });
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['read-only quotas', { type: 'group', attributes: { organization: 'X', quotas: {} } }, 'BadRequestError', /"quotas" is read-only/],
    ['read-only privileges', { type: 'group', attributes: { privileges: { admin: { granted: true, expiration_date: 1 } } } }, 'BadRequestError', /"privileges" is read-only/],
    ['read-only quota_usage_by_user', { type: 'group', attributes: { quota_usage_by_user: {} } }, 'BadRequestError', /"quota_usage_by_user" is read-only/],
    ['read-only agreement_signed_date', { type: 'group', attributes: { agreement_signed_date: 1 } }, 'BadRequestError', /"agreement_signed_date" is read-only/],
    ['unknown attribute', { type: 'group', attributes: { organization: 'X', colour: 'blue' } }, 'BadRequestError', /Unknown attribute "colour"/],
    ['wrong type', { type: 'user', attributes: { organization: 'X' } }, 'BadRequestError', /"data.type" must be "group"/],
    ['missing type', { attributes: { organization: 'X' } }, 'BadRequestError', /"data.type"/],
    ['other id', { type: 'group', id: 'other_group', attributes: { organization: 'X' } }, 'BadRequestError', /does not match/],
    ['attributes not an object', { type: 'group', attributes: [] }, 'BadRequestError', /"data.attributes"/],
    ['text attribute not a string', { type: 'group', attributes: { organization: 5 } }, 'InvalidArgumentError', /"organization" must be a string/],
    ['list attribute not a list', { type: 'group', attributes: { auto_add_users: '*@x.com' } }, 'InvalidArgumentError', /"auto_add_users" must be a list/],
    ['bad contact email', { type: 'group', attributes: { contact_emails: ['nope'] } }, 'InvalidArgumentError', /Invalid email address: "nope"/],
    ['bad preferences', { type: 'group', attributes: { preferences: { a: 1 } } }, 'InvalidArgumentError', /"preferences"/],
    ['data not an object', [], 'BadRequestError', /Expected a body/],
  ];
  for (const [name, data, code, message] of cases) {
    const result = await patch(data);
    t.equal(result.status, 400, name);
    t.match(result.json, { error: { code, message } }, name);
  }
  t.equal(snapshot(simulator), before, 'the group is unchanged');
});

t.test('PATCH needs a group administrator', async (t) => {
  const simulator = startSimulator();
  const body = { data: { type: 'group', attributes: { organization: 'Hijacked' } } };
  const member = await call(simulator, 'PATCH', '/groups/my_group_id', { key: KEYS.member, body });
  t.equal(member.status, 403);
  t.match(member.json, { error: { code: 'ForbiddenError' } });
  const outsider = await call(simulator, 'PATCH', '/groups/my_group_id', { key: KEYS.otherAdmin, body });
  t.equal(outsider.status, 403);
  t.equal(simulator.state.groups.get('my_group_id')?.attributes.organization, 'Example Corp');
  const missing = await call(simulator, 'PATCH', '/groups/nope', { key: KEYS.admin, body });
  t.equal(missing.status, 404);
});

t.test("PATCH takes the bodies VirusTotal's own clients send back: no attributes, {} and echoed fields", async (t) => {
  const simulator = startSimulator();
  const before = snapshot(simulator);
  const bodies = [
    { data: { id: 'my_group_id', type: 'group' } },
    { data: { type: 'group', attributes: {}, id: 'my_group_id', relationships: { users: { data: [] } }, context_attributes: { role: 'admin' } } },
  ];
  for (const body of bodies) {
    const result = await call(simulator, 'PATCH', '/groups/my_group_id', { key: KEYS.admin, body });
    t.equal(result.status, 200, JSON.stringify(body));
    t.match(result.json, { data: { type: 'group', id: 'my_group_id' } });
  }
  t.same(snapshot(simulator), before, 'nothing changed');
});
