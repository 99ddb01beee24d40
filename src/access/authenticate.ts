import proxyAddr from 'proxy-addr';
import type { Client } from '../security/client.js';
import type { ClientRegistry } from '../security/client-registry.js';
import { tokenPrefix } from '../security/token.js';
import { credentialsRequired, invalidCredential } from './challenge.js';
import type { CallerCredentials } from './credentials.js';
import type { JwtClients } from './jwt-clients.js';

export interface AuthenticatorOptions {
  registry: ClientRegistry;
  /** CIDRs of the corporate API gateway; empty: nobody is trusted. */
  trustProxy: string[];
  /** Lower-case header that carries an already-authenticated client id; empty: off. */
  trustedClientHeader: string;
  /** Verifies the front gateway's signed assertions; absent: ASSERTION_HEADER is off. */
  assertions?: JwtClients;
  /** Verifies bearer JWTs from the identity provider; absent: OIDC is off. */
  bearerJwts?: JwtClients;
}

/** Static client tokens are answered synchronously (the hot path); signed tokens need their keys, so a promise. */
export type Authenticator = (credentials: CallerCredentials) => Client | Promise<Client>;

const BEARER = /^Bearer ([\x21-\x7e]{1,8192})$/;
const STATIC_TOKEN_LENGTH = 512;

/**
 * Who is calling, in this order: the front gateway's signed assertion from a TRUST_PROXY peer, the trusted client header from a TRUST_PROXY
 * peer, `Authorization: Bearer` (a `vtgw_` value is a client token; anything else a JWT when OIDC is on), then
 * `x-apikey` (client tokens only, where VirusTotal's own clients send their key). The first credential present
 * decides: a wrong one is refused, never passed over for the next. The trusted client header is honoured only when
 * the TCP peer itself is inside TRUST_PROXY, never because of anything the request says about its origin.
 */
export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const peerIsTrusted = opts.trustProxy.length > 0 ? proxyAddr.compile(opts.trustProxy) : () => false;
  const { assertions, bearerJwts } = opts;
  return ({ assertion, authorization, apiKey, trustedClientId, peerAddress, connection }) => {
    if (assertions !== undefined && assertion !== undefined) {
      // Signed, but replayable until it expires: only the front gateway, which makes them, may present one.
      if (!peerIsTrusted(peerAddress, 0)) throw invalidCredential('The assertion header is honoured only from the front gateway (TRUST_PROXY)');
      return assertions(assertion);
    }
    if (opts.trustedClientHeader !== '' && trustedClientId !== undefined && peerIsTrusted(peerAddress, 0)) {
      const client = opts.registry.findById(trustedClientId);
      if (client === undefined) throw invalidCredential('Unknown client id in the trusted client header');
      return client;
    }
    if ((authorization === undefined || authorization === '') && apiKey !== undefined) {
      const client = apiKey.length > STATIC_TOKEN_LENGTH ? undefined : opts.registry.findByToken(apiKey, connection);
      if (client === undefined) {
        throw invalidCredential(
          'x-apikey holds no client token of this gateway: send the token the gateway issued you (vtgw_...), never a VirusTotal API key',
        );
      }
      return client;
    }
    if (authorization === undefined || authorization === '') {
      throw credentialsRequired(
        'No credentials: send "Authorization: Bearer <client token>" (or the client token in x-apikey, as VirusTotal\'s clients do)',
      );
    }
    const token = BEARER.exec(authorization)?.[1];
    if (token !== undefined && bearerJwts !== undefined && !token.startsWith(tokenPrefix)) return bearerJwts(token);
    const client = token === undefined || token.length > STATIC_TOKEN_LENGTH ? undefined : opts.registry.findByToken(token, connection);
    if (client === undefined) throw invalidCredential('Wrong client token');
    return client;
  };
}
