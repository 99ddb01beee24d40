import t from 'tap';
import { mintToken, tokenDigest } from '../../src/security/token.js';

t.test('mintToken: prefix and 32 random bytes in base64url, different every time', async (t) => {
  const tokens = new Set(Array.from({ length: 100 }, () => mintToken()));
  t.equal(tokens.size, 100);
  for (const token of tokens) {
    t.match(token, /^vtgw_[A-Za-z0-9_-]{43}$/);
    t.equal(Buffer.from(token.slice('vtgw_'.length), 'base64url').length, 32);
  }
});

t.test('tokenDigest is the lowercase hex SHA-256 of the token', async (t) => {
  t.equal(tokenDigest('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.not(tokenDigest('vtgw_a'), tokenDigest('vtgw_b'));
});
