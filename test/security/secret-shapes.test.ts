import t from 'tap';
import { API_KEY_WITHHELD, CLIENT_TOKEN_WITHHELD, pathWithoutSecrets } from '../../src/security/secret-shapes.js';

const key = 'ab12'.repeat(16);
const token = `vtgw_${'Ab-_9'.repeat(5)}`;
const percentEncoded = (value: string): string => [...value].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');

t.test('a path that holds no secret is returned as it is', async (t) => {
  for (const path of ['/v1/groups/acme/relationships/users', `/v1/users/${'a'.repeat(63)}`, '/v1/users/vtgw_short', `/v1/groups/${'g'.repeat(90)}`]) {
    t.equal(pathWithoutSecrets(path), path, path);
  }
});

t.test('each segment that holds a key or a token is withheld, and nothing else', async (t) => {
  t.equal(pathWithoutSecrets(`/v1/users/${key}/overall_quotas`), `/v1/users/${API_KEY_WITHHELD}/overall_quotas`);
  t.equal(pathWithoutSecrets(`/v1/users/x${key}`), `/v1/users/${API_KEY_WITHHELD}`, 'the whole segment, not only the run');
  t.equal(pathWithoutSecrets(`/v1/users/${token}/overall_quotas`), `/v1/users/${CLIENT_TOKEN_WITHHELD}/overall_quotas`);
  t.equal(pathWithoutSecrets(`/v1/users/${token}?x=${key}`), `/v1/users/${API_KEY_WITHHELD}`, 'a segment with both is withheld once');
});

t.test('percent-encoding hides neither shape, malformed escapes included', async (t) => {
  t.equal(pathWithoutSecrets(`/v1/users/${percentEncoded(key)}`), `/v1/users/${API_KEY_WITHHELD}`);
  t.equal(pathWithoutSecrets(`/v1/users/%zz${key.slice(0, 10)}%${key.charCodeAt(10).toString(16)}${key.slice(11)}`), `/v1/users/${API_KEY_WITHHELD}`);
  t.equal(pathWithoutSecrets(`/v1/users/${percentEncoded(token)}`), `/v1/users/${CLIENT_TOKEN_WITHHELD}`);
  t.equal(pathWithoutSecrets('/v1/groups/acme%20corp/relationships/users'), '/v1/groups/acme%20corp/relationships/users');
});
