import t from 'tap';
import { getGlobalDispatcher, MockAgent, setGlobalDispatcher } from 'undici';
import { RemoteKeySet } from '../../src/access/key-set.js';

// No TLS identity provider runs here: the https issuer's answers come from undici's mock agent, which Node's fetch uses.
t.test("an https issuer's key set is fetched over https only", async (t) => {
  const before = getGlobalDispatcher();
  const agent = new MockAgent();
  agent.disableNetConnect();
  setGlobalDispatcher(agent);
  t.teardown(() => setGlobalDispatcher(before));
  const discovery = (jwksUri: string) =>
    agent
      .get('https://idp.example')
      .intercept({ path: '/.well-known/openid-configuration' })
      .reply(200, JSON.stringify({ issuer: 'https://idp.example', jwks_uri: jwksUri }), { headers: { 'content-type': 'application/json' } });

  discovery('http://idp.example/keys');
  const cleartext = new RemoteKeySet({ issuer: 'https://idp.example', jwksUrl: undefined, cooldownMs: 0 });
  await cleartext.prefetch();
  t.equal(cleartext.ready, false, 'no keys taken from a cleartext URL');
  t.match(cleartext.outage, /jwks_uri that is not https/);

  discovery('https://idp.example/keys');
  agent.get('https://idp.example').intercept({ path: '/keys' }).reply(200, JSON.stringify({ keys: [] }), { headers: { 'content-type': 'application/json' } });
  const secure = new RemoteKeySet({ issuer: 'https://idp.example', jwksUrl: undefined, cooldownMs: 0 });
  await secure.prefetch();
  t.equal(secure.outage, undefined, 'an https key set is fetched');
  t.equal(secure.ready, true);
});
