import { Readable } from 'node:stream';
import t from 'tap';
import { operations } from '../../src/catalog/operations.js';
import { withheldKeys, withoutServiceAccountKeys } from '../../src/core/withheld-keys.js';

const KEY = 'cd'.repeat(32);
const account = { type: 'service_account', id: 'g_sa', attributes: { apikey: KEY, email: 'g_sa@x' } };

t.test('removes apikey from service_account objects only, wherever they sit', async (t) => {
  const body = Buffer.from(JSON.stringify({ data: [account, { type: 'user', id: 'u', attributes: { apikey: 'user-key' } }], meta: { count: 2 } }));
  const out = JSON.parse(withoutServiceAccountKeys(body).toString()) as { data: { attributes: Record<string, unknown> }[] };
  t.strictSame(out.data[0]?.attributes, { email: 'g_sa@x' });
  t.equal(out.data[1]?.attributes['apikey'], 'user-key', "a user object's attribute is not this function's business");
  const escaped = Buffer.from(`{"data":{"type":"service_account","id":"g_sa","attributes":{"api\\u006bey":"${KEY}"}}}`);
  t.notOk(withoutServiceAccountKeys(escaped).toString().includes(KEY), 'a JSON escape does not hide it');
  const plain = Buffer.from('{"data":{"type":"group","id":"g"}}');
  t.equal(withoutServiceAccountKeys(plain), plain, 'a body that cannot hold one passes as the same bytes');
  const notJson = Buffer.from('apikey: not json');
  t.equal(withoutServiceAccountKeys(notJson), notJson);
});

t.test('a streamed answer of a group operation is collected and filtered; the key scope passes it as it is', async (t) => {
  const op = operations.find((o) => o.name === 'listGroupServiceAccounts');
  if (op === undefined) throw new Error('no operation');
  const text = JSON.stringify({ data: [account] });
  const streamed = () => ({ statusCode: 200, contentType: 'application/json', retryAfter: undefined, body: Readable.from([Buffer.from(text.slice(0, 20)), Buffer.from(text.slice(20))]) });
  const filtered = await withheldKeys(streamed(), op, new Set(['groups:read']));
  t.ok(Buffer.isBuffer(filtered.body));
  t.notOk(String(filtered.body).includes(KEY));
  const kept = streamed();
  t.equal((await withheldKeys(kept, op, new Set(['groups:read', 'service_accounts:keys']))).body, kept.body);
  const tpOp = operations.find((o) => o.resource === 'threatProfile');
  if (tpOp === undefined) throw new Error('no operation');
  const tp = streamed();
  t.equal((await withheldKeys(tp, tpOp, new Set(['threat_profiles:read']))).body, tp.body, 'threat-profile answers stream on');
});
