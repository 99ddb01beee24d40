import proxyAddr from 'proxy-addr';
import { GatewayError } from '../errors.js';
import type { Client } from '../security/client.js';
import type { ClientRegistry } from '../security/client-registry.js';
import type { CallerCredentials } from './credentials.js';

export interface AuthenticatorOptions {
  registry: ClientRegistry;
  /** CIDRs of the corporate API gateway; empty: nobody is trusted. */
  trustProxy: string[];
  /** Lower-case header that carries an already-authenticated client id; empty: off. */
  trustedClientHeader: string;
}

export type Authenticator = (credentials: CallerCredentials) => Client;

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/**
 * Who is calling, in this order: the trusted client header from a TRUST_PROXY peer, then `Authorization: Bearer`, then
 * `x-apikey` (a client token where VirusTotal's own clients send their key). A bearer token is looked up by its digest. The trusted client header is honoured only when the
 * TCP peer itself is inside TRUST_PROXY, never because of anything the request says about its origin.
 */
export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const peerIsTrusted = opts.trustProxy.length > 0 ? proxyAddr.compile(opts.trustProxy) : () => false;
  return ({ authorization, apiKey, trustedClientId, peerAddress }) => {
    if (opts.trustedClientHeader !== '' && trustedClientId !== undefined && peerIsTrusted(peerAddress, 0)) {
      const client = opts.registry.findById(trustedClientId);
      if (client === undefined) throw new GatewayError('GW_ERR_WRONG_CREDENTIALS', 'Unknown client id in the trusted client header');
      return client;
    }
    if ((authorization === undefined || authorization === '') && apiKey !== undefined) {
      const client = opts.registry.findByToken(apiKey);
      if (client === undefined) {
        throw new GatewayError(
          'GW_ERR_WRONG_CREDENTIALS',
          'x-apikey holds no client token of this gateway: send the token the gateway issued you (vtgw_...), never a VirusTotal API key',
        );
      }
      return client;
    }
    if (authorization === undefined || authorization === '') {
      throw new GatewayError(
        'GW_ERR_AUTH_REQUIRED',
        'No credentials: send "Authorization: Bearer <client token>" (or the client token in x-apikey, as VirusTotal\'s clients do)',
      );
    }
    const token = BEARER.exec(authorization)?.[1];
    const client = token === undefined ? undefined : opts.registry.findByToken(token);
    if (client === undefined) throw new GatewayError('GW_ERR_WRONG_CREDENTIALS', 'Wrong client token');
    return client;
  };
}
