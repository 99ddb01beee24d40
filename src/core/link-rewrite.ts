import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';

/** VirusTotal's own API address, which its answers' `links.self` / `links.next` name. */
export const VIRUSTOTAL_API_PREFIX = 'https://www.virustotal.com/api/v3';

/** A whole answer with every link to VirusTotal pointed at the gateway, under the prefix the caller used. */
export type LinkRewriter = (body: Buffer, callerPrefix: string) => Buffer;

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
}

function sourcesOf(prefixes: readonly string[]): Sources {
  const unique = [...new Set(prefixes.map(withoutTrailingSlash))];
  const alternatives = unique.map((prefix) => prefix.split('/').map(escapeRegExp).join('(?:/|\\\\/)'));
  return {
    pattern: new RegExp(`(?:${alternatives.join('|')})(?=/|\\\\/|[?#"])`, 'g'),
    hosts: [...new Set(unique.map((prefix) => new URL(prefix).host))].map((host) => Buffer.from(host, 'latin1')),
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
  return (body, callerPrefix) => {
    if (!sources.hosts.some((host) => body.includes(host))) return body;
    const text = body.toString('latin1');
    const rewritten = text.replace(sources.pattern, () => `${target}${callerPrefix}`);
    return rewritten === text ? body : Buffer.from(rewritten, 'latin1');
  };
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
  // Held back as the chunks came, each searched once: a long run without a boundary costs no copy per chunk.
  let pending: Buffer[] = [];
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      const settledInChunk = settledLength(chunk);
      if (settledInChunk === 0) {
        pending.push(chunk);
        done();
        return;
      }
      const settled = pending.length === 0 ? chunk.subarray(0, settledInChunk) : Buffer.concat([...pending, chunk.subarray(0, settledInChunk)]);
      pending = settledInChunk === chunk.length ? [] : [chunk.subarray(settledInChunk)];
      done(null, rewrite(settled, callerPrefix));
    },
    flush(done: TransformCallback) {
      done(null, pending.length === 0 ? undefined : rewrite(Buffer.concat(pending), callerPrefix));
    },
  });
}

/**
 * How much of the text no link spans: up to and with its last `"` or whitespace. A link holds neither, and the `"`
 * that ends one is then on the settled side. The rest waits for the next chunk (the upstream size cap bounds it);
 * whitespace counts too so that a long string of spaces, or pretty-printed JSON, flows on as it comes.
 */
function settledLength(text: Buffer): number {
  for (let i = text.length - 1; i >= 0; i--) {
    const byte = text[i];
    if (byte === 0x22 || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) return i + 1;
  }
  return 0;
}
