import t from 'tap';
import { call, KEYS, startSimulator } from './fixtures/simulator-client.js';

t.test('a request without x-apikey gets 401 AuthenticationRequiredError', async (t) => {
  const simulator = startSimulator();
  const result = await call(simulator, 'GET', '/groups/my_group_id');
  t.equal(result.status, 401);
  t.match(result.headers['content-type'], /^application\/json/);
  t.strictSame(result.json, {
    error: { code: 'AuthenticationRequiredError', message: 'X-Apikey header is missing' },
  });
});

t.test('an empty x-apikey counts as missing', async (t) => {
  const result = await call(startSimulator(), 'GET', '/groups/my_group_id', { key: '' });
  t.equal(result.status, 401);
  t.match(result.json, { error: { code: 'AuthenticationRequiredError' } });
});

t.test('an unknown key gets 401 WrongCredentialsError', async (t) => {
  const result = await call(startSimulator(), 'GET', '/groups/my_group_id', { key: 'not-a-key' });
  t.equal(result.status, 401);
  t.match(result.json, { error: { code: 'WrongCredentialsError', message: String } });
});

t.test('authentication is checked before the group is looked up', async (t) => {
  const result = await call(startSimulator(), 'GET', '/groups/no_such_group');
  t.equal(result.status, 401);
});

t.test('an unknown group is 404 NotFoundError', async (t) => {
  const result = await call(startSimulator(), 'GET', '/groups/no_such_group', { key: KEYS.admin });
  t.equal(result.status, 404);
  t.strictSame(result.json, { error: { code: 'NotFoundError', message: 'Group "no_such_group" not found' } });
});

t.test('unknown routes and methods are 404 NotFoundError in the VirusTotal shape', async (t) => {
  const simulator = startSimulator();
  const cases = [
    ['GET', '/files/abc'],
    ['PUT', '/groups/my_group_id'],
    ['DELETE', '/groups/my_group_id'],
    ['POST', '/groups/my_group_id/relationships/graphs/x/y'],
  ] as const;
  for (const [method, path] of cases) {
    const result = await call(simulator, method, path, { key: KEYS.admin });
    t.equal(result.status, 404, `${method} ${path}`);
    t.match(result.headers['content-type'], /^application\/json/);
    t.strictSame(Object.keys(result.json as object), ['error']);
    t.match(result.json, { error: { code: 'NotFoundError', message: `Resource "${method} /api/v3${path}" not found` } });
  }
  const outside = await simulator.app.inject({ method: 'GET', url: '/elsewhere?x=1' });
  t.equal(outside.statusCode, 404);
  t.strictSame(outside.json(), { error: { code: 'NotFoundError', message: 'Resource "GET /elsewhere" not found' } });
});

t.test('echoHeadersInErrors adds every request header to error bodies', async (t) => {
  const simulator = startSimulator({ echoHeadersInErrors: true });
  const headers = { 'x-custom': 'visible', authorization: 'Bearer should-be-echoed' };

  const forbidden = await call(simulator, 'GET', '/groups/my_group_id', { key: KEYS.otherAdmin, headers });
  t.equal(forbidden.status, 403);
  t.match(forbidden.json, {
    error: { code: 'ForbiddenError' },
    received_headers: { 'x-apikey': KEYS.otherAdmin, 'x-custom': 'visible', authorization: 'Bearer should-be-echoed' },
  });

  const unauthenticated = await call(simulator, 'GET', '/groups/my_group_id', { headers });
  t.match(unauthenticated.json, { received_headers: { 'x-custom': 'visible' } });
  t.notOk('x-apikey' in ((unauthenticated.json as { received_headers: object }).received_headers));

  const unknownRoute = await call(simulator, 'GET', '/nowhere', { headers });
  t.match(unknownRoute.json, { error: { code: 'NotFoundError' }, received_headers: { 'x-custom': 'visible' } });

  const success = await call(simulator, 'GET', '/groups/my_group_id', { key: KEYS.admin, headers });
  t.equal(success.status, 200);
  t.notOk('received_headers' in (success.json as object), 'successes never echo headers');
});

t.test('without echoHeadersInErrors error bodies carry only "error"', async (t) => {
  const result = await call(startSimulator(), 'GET', '/groups/my_group_id', {
    key: KEYS.otherAdmin,
    headers: { 'x-custom': 'hidden' },
  });
  t.strictSame(result.json, {
    error: { code: 'ForbiddenError', message: 'You are not authorized to perform the requested operation' },
  });
});

t.test('malformed JSON bodies are 400 BadRequestError', async (t) => {
  const simulator = startSimulator();
  for (const body of ['{"data": [', 'not json', '']) {
    const result = await call(simulator, 'POST', '/groups/my_group_id/relationships/users', {
      key: KEYS.admin,
      body,
      headers: { 'content-type': 'application/json' },
    });
    t.equal(result.status, 400, JSON.stringify(body));
    t.match(result.json, { error: { code: 'BadRequestError' } });
  }
});

t.test('a body over the size limit is rejected in the VirusTotal shape', async (t) => {
  const result = await call(startSimulator(), 'PATCH', '/groups/my_group_id', {
    key: KEYS.admin,
    body: 'x'.repeat(1024 * 1024 + 1),
  });
  t.equal(result.status, 413);
  t.match(result.json, { error: { code: 'BadRequestError', message: String } });
});

t.test('a failure inside the simulator is 503 TransientError, not a crash', async (t) => {
  const simulator = startSimulator();
  const group = simulator.state.groups.get('my_group_id');
  t.ok(group);
  // Break an invariant the handlers rely on to force an unexpected exception.
  Object.assign(group ?? {}, { members: null });
  const result = await call(simulator, 'GET', '/groups/my_group_id', { key: KEYS.admin });
  t.equal(result.status, 503);
  t.match(result.json, { error: { code: 'TransientError' } });
});
