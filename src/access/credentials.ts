import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

/** What a request says about who sends it, read the same way on every channel. */
export interface CallerCredentials {
  /** The front gateway's signed assertion; undefined when ASSERTION_HEADER is off, or the header absent or empty. */
  assertion: string | undefined;
  authorization: string | undefined;
  /** `x-apikey`, where VirusTotal's own clients (vt-py, vt-go) put their key: here it may hold a client token. */
  apiKey: string | undefined;
  /** The trusted client header's value; undefined when the header is off, absent or empty. */
  trustedClientId: string | undefined;
  /** The TCP peer, never a forwarded address. */
  peerAddress: string;
  /** The connection the request came on: a client token it presented before is not hashed again (client-registry.ts). */
  connection: object;
}

/** The configured header names that may carry credentials; empty or undefined: that way in is off. */
export interface CredentialHeaders {
  trustedClientHeader: string;
  assertionHeader?: string | undefined;
}

function present(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function readCredentials(headers: IncomingHttpHeaders, socket: Socket, names: CredentialHeaders): CallerCredentials {
  const assertionHeader = names.assertionHeader ?? '';
  return {
    assertion: assertionHeader === '' ? undefined : present(headers[assertionHeader]),
    authorization: headers.authorization,
    apiKey: present(headers['x-apikey']),
    trustedClientId: names.trustedClientHeader === '' ? undefined : present(headers[names.trustedClientHeader]),
    peerAddress: socket.remoteAddress ?? '',
    connection: socket,
  };
}
