/** The ways in: REST and MCP tools; `gateway` for the gateway's own events (gateway-events.ts). */
export type Channel = 'rest' | 'mcp' | 'gateway';

/** A user as VirusTotal knows them: by username and by email, each null while unknown. */
export interface Person {
  username: string | null;
  email: string | null;
}

/** One audited request, as the gateway hands it to the audit log. It never holds a token, a key or a full body. */
export interface AuditEntry {
  /** ISO 8601 UTC, set by the caller. */
  time: string;
  requestId: string;
  channel: Channel;
  /** Authenticated client id, null when unauthenticated. */
  clientId: string | null;
  clientIp: string;
  /** Catalog operation name, null for unknown routes. */
  operation: string | null;
  method: string;
  /** Path without query string. */
  path: string;
  /** e.g. { group: 'my_group', user: 'user_1', relationship: 'users', threatProfile: '...' } */
  targets: Record<string, string>;
  /** Every user the request names, with both names once known (people.ts): find a person by either. */
  people?: Person[];
  /** Summary of a write (users, emails, roles added/removed/replaced, quota values). */
  change?: Record<string, unknown>;
  /** SHA-256 hex of the request body, for writes. */
  bodySha256?: string;
  /** `intent`: a write about to leave (status 0); its outcome follows on a line with the same requestId. */
  outcome: 'intent' | 'ok' | 'upstream_error' | 'denied' | 'invalid' | 'unauthenticated' | 'limited' | 'cancelled' | 'failed';
  status: number;
  upstreamStatus: number | null;
  /** VirusTotal's error code the caller saw for an error the gateway made; null otherwise. */
  errorCode: string | null;
  /** The gateway's own code (`GW_ERR_*`) for an error it made: tells apart errors that share a VirusTotal code. */
  gatewayCode?: string;
  /**
   * Fields the caller controls before authentication that were longer than the line keeps (see call-record.ts): the
   * field holds its first bytes, and here are the whole value's length in bytes and SHA-256 hex.
   */
  cut?: Record<string, { bytes: number; sha256: string }>;
  durationMs: number;
  upstreamMs: number | null;
  /** Short fingerprint (12 hex of SHA-256) of the VirusTotal key the call was sent with; never the key. */
  keyFingerprint?: string;
}
