import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface IdentityProvider {
  issuer: string;
  jwksUrl: string;
  /** Requests for the key set so far. */
  jwksFetches: number;
  /** While down, every request is answered 503. */
  down: boolean;
  /** The public key of the current signing key, as published. */
  publicJwk(): JWK;
  /** Signs with the current key; `kid` and `alg` may be overridden to forge. */
  sign(claims: JWTPayload, opts?: { kid?: string; expiresIn?: string | number | null; notBefore?: string | number; issuer?: string; audience?: string | null }): Promise<string>;
  /** A new signing key: published (the old one too) and used from now on. */
  rotate(): Promise<void>;
  close(): Promise<void>;
}

async function newKey(n: number, alg: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `key-${n}`;
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** An OIDC provider on a real socket: discovery document, JWKS, and tokens signed with its keys (minted by jose). */
export async function startIdentityProvider(opts: { audience: string; alg?: string }): Promise<IdentityProvider> {
  const alg = opts.alg ?? 'RS256';
  const keys: SigningKey[] = [await newKey(1, alg)];
  let issuer = '';
  const server = http.createServer((req, res) => {
    if (idp.down) {
      res.writeHead(503).end();
      return;
    }
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
      return;
    }
    if (req.url === '/keys') {
      idp.jwksFetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.map((k) => k.publicJwk) }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const current = (): SigningKey => keys[keys.length - 1] as SigningKey;
  const idp: IdentityProvider = {
    issuer,
    jwksUrl: `${issuer}/keys`,
    jwksFetches: 0,
    down: false,
    publicJwk: () => current().publicJwk,
    async sign(claims, o = {}) {
      const key = current();
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: key.alg, kid: o.kid ?? key.kid, typ: 'JWT' })
        .setIssuer(o.issuer ?? issuer)
        .setIssuedAt();
      if (o.expiresIn !== null) jwt.setExpirationTime(o.expiresIn ?? '5m');
      if (o.audience !== null) jwt.setAudience(o.audience ?? opts.audience);
      if (o.notBefore !== undefined) jwt.setNotBefore(o.notBefore);
      return jwt.sign(key.privateKey);
    },
    async rotate() {
      keys.push(await newKey(keys.length + 1, alg));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return idp;
}
