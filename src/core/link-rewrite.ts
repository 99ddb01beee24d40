import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';

/** VirusTotal's own API address, which its answers' `links.self` / `links.next` name. */
export const VIRUSTOTAL_API_PREFIX = 'https://www.virustotal.com/api/v3';

/** A whole answer with every link to VirusTotal pointed at the gateway, under the prefix the caller used. */
export interface LinkRewriter {
  (body: Buffer, callerPrefix: string): Buffer;
  /**
   * How much of a streamed answer's text so far can be rewritten and passed on: no link crosses the end of that part,
   * and the rest (a link may go on in the next chunk) is never longer than twice the longest link.
   */
  settledLength(text: Buffer): number;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Sources {
  /** Matches a source prefix in JSON text, its slashes written `/` or `\/`, ending where a path, query or string does. */
  pattern: RegExp;
  /** The host names, for a cheap look before any matching: a body that names none of them has no link to rewrite. */
  hosts: readonly Buffer[];
  /** The longest text a match and the character after it can take: every slash escaped, and an escaped slash after. */
  longestMatch: number;
}

function sourcesOf(prefixes: readonly string[]): Sources {
  const unique = [...new Set(prefixes.map(withoutTrailingSlash))];
  const alternatives = unique.map((prefix) => prefix.split('/').map(escapeRegExp).join('(?:/|\\\\/)'));
  return {
    pattern: new RegExp(`(?:${alternatives.join('|')})(?=/|\\\\/|[?#"])`, 'g'),
    hosts: [...new Set(unique.map((prefix) => new URL(prefix).host))].map((host) => Buffer.from(host, 'latin1')),
    longestMatch: Math.max(...unique.map((prefix) => prefix.length + prefix.split('/').length - 1)) + 2,
  };
}

/**
 * Rewrites links to VirusTotal (`https://www.virustotal.com/api/v3` and `VT_API_BASE_URL`) into `publicBaseUrl` plus
 * the prefix the caller used (`/v1` or `/api/v3`), so that a client following `links.next` (vt-go does, with its
 * X-Apikey) stays on the gateway. In JSON such a URL can only stand inside a string, so replacing the prefix in the
 * text is exact; slashes escaped as `\/` are matched too. The text is handled as latin1: the prefixes are ASCII, and
 * no byte of a multi-byte UTF-8 character is, so nothing else changes by a byte.
 */
export function createLinkRewriter(opts: {
  sources: readonly string[];
  /** Absolute, or a path alone (`''` or `BASE_PATH`): then the links are too. */
  publicBaseUrl: string;
}): LinkRewriter {
  const sources = sourcesOf(opts.sources);
  const target = withoutTrailingSlash(opts.publicBaseUrl);
  const rewrite = (body: Buffer, callerPrefix: string): Buffer => {
    if (!sources.hosts.some((host) => body.includes(host))) return body;
    const text = body.toString('latin1');
    const rewritten = text.replace(sources.pattern, () => `${target}${callerPrefix}`);
    return rewritten === text ? body : Buffer.from(rewritten, 'latin1');
  };
  return Object.assign(rewrite, { settledLength: (text: Buffer) => settledLength(text, sources) });
}

/** VirusTotal's answer as the caller gets it: rewritten whole, or through linkRewriteStream when it streams. */
export function withLinksRewritten(body: Buffer | Readable, rewrite: LinkRewriter, callerPrefix: string): Buffer | Readable {
  if (Buffer.isBuffer(body)) return rewrite(body, callerPrefix);
  // An error of VirusTotal's stream destroys the rewriting one with it, where the caller's answer sees it.
  return pipeline(body, linkRewriteStream(rewrite, callerPrefix), () => {});
}

/**
 * The same rewrite for an answer too large to be read whole: each chunk is rewritten up to the point where a link
 * could still continue in the next one, and that tail waits for it: the one rewriter sees only text no link crosses
 * the end of.
 */
export function linkRewriteStream(rewrite: LinkRewriter, callerPrefix: string): Transform {
  let pending: Buffer = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      const text = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const settled = rewrite.settledLength(text);
      pending = text.subarray(settled);
      done(null, settled === 0 ? undefined : rewrite(text.subarray(0, settled), callerPrefix));
    },
    flush(done: TransformCallback) {
      done(null, pending.length === 0 ? undefined : rewrite(pending, callerPrefix));
    },
  });
}

/**
 * Up to and with the last `"` or whitespace when that is near the end: a link holds neither, and the `"` that ends
 * one is then on the settled side. In a long run without either (one long string), all but the last `longestMatch`
 * bytes, moved back to the start of a link that would reach the cut or the character after it: the text held back
 * stays short, so a long string flows on as it comes instead of being held whole.
 */
function settledLength(text: Buffer, sources: Sources): number {
  const tail = text.length - sources.longestMatch;
  for (let i = text.length - 1; i >= 0 && i >= tail; i--) {
    const byte = text[i];
    if (byte === 0x22 || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) return i + 1;
  }
  if (tail <= 0) return 0;
  let cut = tail;
  const from = Math.max(0, cut - sources.longestMatch);
  const window = text.toString('latin1', from);
  sources.pattern.lastIndex = 0;
  for (let match = sources.pattern.exec(window); match !== null; match = sources.pattern.exec(window)) {
    const start = from + match.index;
    // The lookahead after a link (`/`, `\/`, `?`, `#` or `"`) must be on the settled side too.
    if (start < cut && start + match[0].length + 2 > cut) cut = start;
  }
  return cut;
}
