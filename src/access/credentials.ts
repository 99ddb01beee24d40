import type { IncomingHttpHeaders } from 'node:http';

/** What a request says about who sends it, read the same way on every channel. */
export interface CallerCredentials {
  authorization: string | undefined;
  /** `x-apikey`, where VirusTotal's own clients (vt-py, vt-go) put their key: here it may hold a client token. */
  apiKey: string | undefined;
  /** The trusted client header's value; undefined when the header is off, absent or empty. */
  trustedClientId: string | undefined;
  /** The TCP peer, never a forwarded address. */
  peerAddress: string;
}

export function readCredentials(headers: IncomingHttpHeaders, peerAddress: string | undefined, trustedClientHeader: string): CallerCredentials {
  const trusted = trustedClientHeader === '' ? undefined : headers[trustedClientHeader];
  return {
    authorization: headers.authorization,
    apiKey: typeof headers['x-apikey'] === 'string' && headers['x-apikey'] !== '' ? headers['x-apikey'] : undefined,
    trustedClientId: typeof trusted === 'string' && trusted !== '' ? trusted : undefined,
    peerAddress: peerAddress ?? '',
  };
}
