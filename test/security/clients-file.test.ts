import t from 'tap';
import { parseClientsFile } from '../../src/security/clients-file.js';
import { tokenDigest } from '../../src/security/token.js';

const onboarding = {
  id: 'svc-onboarding',
  tokenSha256: tokenDigest('vtgw_onboarding'),
  scopes: ['groups:read', 'groups:write'],
  groups: ['my_group'],
  threatProfiles: ['*'],
  rateLimit: { readsPerMinute: 600, writesPerMinute: 60 },
};
const reporting = {
  id: 'svc-reporting',
  tokenSha256: tokenDigest('vtgw_reporting'),
  scopes: ['threat_profiles:read'],
  groups: [],
  threatProfiles: ['tp_1', 'tp_2'],
};

function fileWith(...clients: unknown[]): string {
  return JSON.stringify({ clients });
}

function without(entry: Record<string, unknown>, field: string): Record<string, unknown> {
  const copy = { ...entry };
  delete copy[field];
  return copy;
}

t.test('a good file gives its clients', async (t) => {
  const result = parseClientsFile(fileWith(onboarding, reporting));
  if (!result.ok) return t.fail(result.error);
  const [first, second] = result.clients;
  t.equal(first?.id, 'svc-onboarding');
  t.equal(first?.tokenSha256, onboarding.tokenSha256);
  t.same([...(first?.scopes ?? [])], ['groups:read', 'groups:write']);
  t.ok(first?.groups instanceof Set && first.groups.has('my_group') && first.groups.size === 1, 'groups is an allowlist');
  t.equal(first?.threatProfiles, 'all', '["*"] means all');
  t.same(first?.rateLimit, { readsPerMinute: 600, writesPerMinute: 60 });
  t.ok(second?.groups instanceof Set && second.groups.size === 0, 'an empty list allows no group');
  t.ok(second?.threatProfiles instanceof Set && second.threatProfiles.has('tp_2'));
  t.equal(second?.rateLimit, undefined, 'rateLimit is optional');
  t.equal(result.clients.length, 2);
});

t.test('an empty list of clients is valid; a byte-order mark is ignored', async (t) => {
  const result = parseClientsFile(`\uFEFF${fileWith()}`);
  t.same(result, { ok: true, clients: [] });
});

t.test('a digest is stored in lowercase whatever case the file uses', async (t) => {
  const result = parseClientsFile(fileWith({ ...onboarding, tokenSha256: onboarding.tokenSha256.toUpperCase() }));
  t.equal(result.ok && result.clients[0]?.tokenSha256, onboarding.tokenSha256);
});

t.test('each kind of bad entry gives a one-line error naming the entry and the field', async (t) => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['bad id', { ...reporting, id: 'Svc Reporting' }, /^clients\[1\]: id: must match .+, got "Svc Reporting"$/],
    ['id too long', { ...reporting, id: 'a'.repeat(65) }, /^clients\[1\]: id: must match /],
    ['id not a string', { ...reporting, id: 7 }, /^clients\[1\]: id: must match .+, got 7$/],
    ['unknown scope', { ...reporting, scopes: ['threat_profiles:read', 'groups:delete'] }, /^clients\[1\] \(svc-reporting\): scopes\[1\]: unknown scope "groups:delete" \(known: groups:read, /],
    ['scope listed twice', { ...reporting, scopes: ['groups:read', 'groups:read'] }, /^clients\[1\] \(svc-reporting\): scopes: lists the same value twice$/],
    ['non-hex digest', { ...reporting, tokenSha256: 'z'.repeat(64) }, /^clients\[1\] \(svc-reporting\): tokenSha256: must be the SHA-256 of the token as 64 hex characters$/],
    ['short digest', { ...reporting, tokenSha256: reporting.tokenSha256.slice(1) }, /^clients\[1\] \(svc-reporting\): tokenSha256: must be the SHA-256/],
    ['raw token instead of digest', { ...reporting, tokenSha256: 'vtgw_reporting' }, /^clients\[1\] \(svc-reporting\): tokenSha256: must be the SHA-256/],
    ['duplicate id', { ...reporting, id: onboarding.id }, /^clients\[1\] \(svc-onboarding\): id: duplicate of clients\[0\]$/],
    ['duplicate digest', { ...reporting, tokenSha256: onboarding.tokenSha256.toUpperCase() }, /^clients\[1\] \(svc-reporting\): tokenSha256: same token as clients\[0\] \(svc-onboarding\)$/],
    ['missing id', without(reporting, 'id'), /^clients\[1\]: id: missing$/],
    ['missing groups', without(reporting, 'groups'), /^clients\[1\] \(svc-reporting\): groups: missing$/],
    ['missing threat profiles', without(reporting, 'threatProfiles'), /^clients\[1\] \(svc-reporting\): threatProfiles: missing$/],
    ['extra field', { ...reporting, token: 'vtgw_reporting' }, /^clients\[1\] \(svc-reporting\): token: unknown field$/],
    ['extra rate-limit field', { ...reporting, rateLimit: { readsPerSecond: 5 } }, /^clients\[1\] \(svc-reporting\): rateLimit\.readsPerSecond: unknown field$/],
    ['rate of zero', { ...reporting, rateLimit: { writesPerMinute: 0 } }, /^clients\[1\] \(svc-reporting\): rateLimit\.writesPerMinute: must be a whole number from 1 to/],
    ['fractional rate', { ...reporting, rateLimit: { readsPerMinute: 1.5 } }, /rateLimit\.readsPerMinute: must be a whole number/],
    ['groups not a list', { ...reporting, groups: 'my_group' }, /^clients\[1\] \(svc-reporting\): groups: must be a list of names/],
    ['group name with a space', { ...reporting, groups: ['my group'] }, /^clients\[1\] \(svc-reporting\): groups\[0\]: must be "\*" or a name .+, got "my group"$/],
    ['"*" with other names', { ...reporting, threatProfiles: ['tp_1', '*'] }, /^clients\[1\] \(svc-reporting\): threatProfiles: "\*" must be the only entry$/],
    ['entry not an object', 'svc-reporting', /^clients\[1\]: must be an object$/],
  ];
  for (const [name, entry, expected] of cases) {
    const result = parseClientsFile(fileWith(onboarding, entry));
    if (result.ok) {
      t.fail(`${name}: accepted`);
      continue;
    }
    t.match(result.error, expected, name);
    t.notMatch(result.error, /[\r\n]/, `${name}: one line`);
    t.notOk(result.error.includes(onboarding.tokenSha256.slice(0, 12)), `${name}: no digest in the error`);
    t.notOk(result.error.includes('zzzzzz'), `${name}: a rejected digest is not echoed`);
  }
});

t.test('an entry without a token digest is reached only by a signed token; its oidcSubject is unique', async (t) => {
  const signedOnly = { ...without(reporting, 'tokenSha256'), oidcSubject: 'Wx3kQ9@clients|Reporting' };
  const accepted = parseClientsFile(fileWith(onboarding, signedOnly));
  t.ok(accepted.ok, 'no tokenSha256 is allowed');
  if (accepted.ok) {
    t.equal(accepted.clients[1]?.tokenSha256, undefined);
    t.equal(accepted.clients[1]?.oidcSubject, 'Wx3kQ9@clients|Reporting', 'an IdP id that does not fit the id pattern');
  }
  const twice = parseClientsFile(fileWith({ ...onboarding, oidcSubject: signedOnly.oidcSubject }, signedOnly));
  t.match(twice.ok ? '' : twice.error, /^clients\[1\] \(svc-reporting\): oidcSubject: duplicate of clients\[0\]$/);
});

t.test('file-level problems give a one-line error', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['empty file', '', /^not valid JSON \(it ends early\)$/],
    ['trailing comma', '{"clients": [\n  {"id": "a",}\n]}', /^not valid JSON \(line 2, column \d+\)$/],
    ['not an object', '[]', /^must be a JSON object \{"clients": \[\.\.\.\]\}$/],
    ['no clients', '{}', /^clients: missing$/],
    ['clients not a list', '{"clients": {}}', /^clients: must be a list$/],
    ['extra top-level field', '{"clients": [], "version": 2}', /^version: unknown field$/],
  ];
  for (const [name, text, expected] of cases) {
    const result = parseClientsFile(text);
    t.match(result.ok ? 'accepted' : result.error, expected, name);
  }
});

t.test('a JSON syntax error does not quote the text around it, which may hold a digest', async (t) => {
  const singleQuotedDigest = `{"clients":[{"id":"a","tokenSha256":'${onboarding.tokenSha256}'}]}`;
  const result = parseClientsFile(singleQuotedDigest);
  t.equal(result.ok, false);
  if (!result.ok) {
    t.match(result.error, /^not valid JSON/);
    t.notOk(result.error.includes(onboarding.tokenSha256.slice(0, 8)), 'no piece of the digest');
  }
});
