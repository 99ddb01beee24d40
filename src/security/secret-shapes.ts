import { tokenPrefix } from './token.js';

/**
 * VirusTotal takes an API key where a user ID goes (`/users/{key}`), and a caller may paste its gateway token where
 * it pasted its VirusTotal key before: a value shaped like either never reaches an audit line. Shaped like a key: a
 * run of 64 or more hex digits, whatever stands next to it (a key pasted with a trailing space or newline is still
 * the key). Shaped like a token: `vtgw_` and 16 or more base64url characters.
 */
export const API_KEY_WITHHELD = '[api key withheld]';
export const CLIENT_TOKEN_WITHHELD = '[client token withheld]';

const HEX_RUN = /[0-9a-fA-F]{64,}/g;
const HAS_HEX_RUN = /[0-9a-fA-F]{64}/;
const TOKEN_RUN = new RegExp(`${tokenPrefix}[A-Za-z0-9_-]{16,}`, 'g');
const HAS_TOKEN = new RegExp(`${tokenPrefix}[A-Za-z0-9_-]{16}`);
const SHORTEST_TOKEN = tokenPrefix.length + 16;
const PERCENT_ESCAPE = /%([0-9a-fA-F]{2})/g;

/** `value` with every run of 64 or more hex digits replaced by API_KEY_WITHHELD, every token by CLIENT_TOKEN_WITHHELD. */
export function withoutSecrets(value: string): string {
  if (value.length < SHORTEST_TOKEN) return value;
  const keysOut = value.length < 64 ? value : value.replace(HEX_RUN, API_KEY_WITHHELD);
  return keysOut.includes(tokenPrefix) ? keysOut.replace(TOKEN_RUN, CLIENT_TOKEN_WITHHELD) : keysOut;
}

/** Whether withoutSecrets() withholds something of `value`. */
export function holdsSecret(value: string): boolean {
  return value.includes(API_KEY_WITHHELD) || value.includes(CLIENT_TOKEN_WITHHELD);
}

/**
 * A request path as received (percent-encoded) with every segment that holds a key or a token once decoded replaced
 * by what withholds it: `%61` for an `a` inside a key hides nothing. Escapes are decoded byte by byte, so a malformed
 * one elsewhere in the segment does not stop the search.
 */
export function pathWithoutSecrets(path: string): string {
  if (path.length < SHORTEST_TOKEN) return path;
  // Neither shape spans a '/', so a path without escapes holds one only if the whole path does: one scan, no split.
  if (!path.includes('%') && !HAS_TOKEN.test(path) && (path.length < 64 || !HAS_HEX_RUN.test(path))) return path;
  return path
    .split('/')
    .map((segment) => {
      if (segment.length < SHORTEST_TOKEN) return segment;
      const decoded = bytewiseDecoded(segment);
      if (segment.length >= 64 && HAS_HEX_RUN.test(decoded)) return API_KEY_WITHHELD;
      return HAS_TOKEN.test(decoded) ? CLIENT_TOKEN_WITHHELD : segment;
    })
    .join('/');
}

function bytewiseDecoded(segment: string): string {
  return segment.includes('%') ? segment.replace(PERCENT_ESCAPE, (_escape, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))) : segment;
}
