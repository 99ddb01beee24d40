import { buffer } from 'node:stream/consumers';
import { resourceKinds, type Operation, type Scope } from '../catalog/operation.js';
import type { UpstreamResponse } from '../upstream/client.js';

/** The scope that lets a client see service accounts' API keys. */
export const SERVICE_ACCOUNT_KEYS_SCOPE: Scope = 'service_accounts:keys';

const APIKEY = Buffer.from('apikey');
// A JSON string escape could spell "apikey" or "service_account" without those bytes appearing as such.
const ESCAPE = Buffer.from('\\u');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Removes `attributes.apikey` from every service_account object in the value, wherever it sits; true when any was. */
function removeKeys(value: unknown): boolean {
  if (Array.isArray(value)) return value.map(removeKeys).includes(true);
  if (!isRecord(value)) return false;
  let removed = false;
  if (value['type'] === 'service_account' && isRecord(value['attributes']) && 'apikey' in value['attributes']) {
    delete value['attributes']['apikey'];
    removed = true;
  }
  for (const child of Object.values(value)) if (removeKeys(child)) removed = true;
  return removed;
}

/**
 * The body without the `apikey` attribute of any service_account object in it. Bytes that cannot hold one pass
 * untouched and unparsed; so does a body that is not JSON (VirusTotal's objects are JSON; a non-JSON body is no object).
 */
export function withoutServiceAccountKeys(body: Buffer): Buffer {
  if (!body.includes(APIKEY) && !body.includes(ESCAPE)) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  return removeKeys(parsed) ? Buffer.from(JSON.stringify(parsed)) : body;
}

/**
 * VirusTotal's answer as this client may see it: a service account's `apikey` is a live VirusTotal key, so it
 * reaches only clients holding `service_accounts:keys`, whatever the operation or channel. A streamed answer (large,
 * or of undeclared length) of an operation whose objects can hold service accounts is collected first, up to the
 * upstream size cap the stream already enforces; other streamed answers pass as streams.
 */
export async function withheldKeys(response: UpstreamResponse, op: Operation, scopes: ReadonlySet<Scope>): Promise<UpstreamResponse> {
  if (scopes.has(SERVICE_ACCOUNT_KEYS_SCOPE)) return response;
  if (!Buffer.isBuffer(response.body) && !resourceKinds[op.resource].holdsServiceAccounts) return response;
  const body = Buffer.isBuffer(response.body) ? response.body : await buffer(response.body);
  return { ...response, body: withoutServiceAccountKeys(body) };
}
