/**
 * VirusTotal takes an API key where a user ID goes (`/users/{key}`), so a value shaped like one never reaches an audit
 * line. Shaped like one: a run of 64 or more hex digits, whatever stands next to it (a key pasted with a trailing
 * space or newline is still the key).
 */
export const API_KEY_WITHHELD = '[api key withheld]';

const HEX_RUN = /[0-9a-fA-F]{64,}/g;
const HAS_HEX_RUN = /[0-9a-fA-F]{64}/;
const PERCENT_ESCAPE = /%([0-9a-fA-F]{2})/g;

/** `value` with every run of 64 or more hex digits replaced by API_KEY_WITHHELD. */
export function withoutApiKeys(value: string): string {
  return value.length < 64 ? value : value.replace(HEX_RUN, API_KEY_WITHHELD);
}

/**
 * A request path as received (percent-encoded) with every segment that holds such a run once decoded replaced by
 * API_KEY_WITHHELD: `%61` for an `a` inside a key hides nothing. Escapes are decoded byte by byte, so a malformed one
 * elsewhere in the segment does not stop the search.
 */
export function pathWithoutApiKeys(path: string): string {
  if (path.length < 64) return path;
  return path
    .split('/')
    .map((segment) => (segment.length >= 64 && HAS_HEX_RUN.test(bytewiseDecoded(segment)) ? API_KEY_WITHHELD : segment))
    .join('/');
}

function bytewiseDecoded(segment: string): string {
  return segment.includes('%') ? segment.replace(PERCENT_ESCAPE, (_escape, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))) : segment;
}
