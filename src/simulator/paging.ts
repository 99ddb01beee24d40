import { badRequest, invalidArgument } from './errors.js';

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 40;

export type QueryParams = Record<string, string | string[] | undefined>;

interface PageRequest {
  limit: number;
  offset: number;
  cursor: string | undefined;
}

interface Page<T> {
  data: T[];
  meta: { count: number; cursor?: string };
  links: { self: string; next?: string };
}

/** Cursors are opaque to clients; here they are the base64url of the next offset. */
function encodeCursor(offset: number): string {
  return Buffer.from(String(offset), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^(0|[1-9]\d{0,8})$/.test(decoded) || encodeCursor(Number(decoded)) !== cursor) {
    throw invalidArgument(`Invalid cursor: "${cursor}"`);
  }
  return Number(decoded);
}

function singleValue(query: QueryParams, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw invalidArgument(`Parameter "${name}" given more than once`);
  return value;
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const limit = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (limit > MAX_LIMIT) throw badRequest(`Limit can't be larger than ${MAX_LIMIT}`);
  if (!(limit >= 1)) throw invalidArgument(`Invalid limit: "${raw}" (expected an integer from 1 to ${MAX_LIMIT})`);
  return limit;
}

export function parsePageRequest(query: QueryParams): PageRequest {
  const limit = parseLimit(singleValue(query, 'limit'));
  const cursor = singleValue(query, 'cursor');
  const offset = cursor === undefined ? 0 : decodeCursor(cursor);
  return { limit, offset, cursor };
}

function withQuery(url: string, params: Record<string, string>): string {
  return `${url}?${new URLSearchParams(params).toString()}`;
}

/**
 * One page of `items` in VirusTotal's collection shape; the last page has no cursor and no next link. `kept`: query
 * parameters that shaped the list (a filter), carried into both links so that the next page is of the same list.
 */
export function paginate<T>(items: readonly T[], page: PageRequest, url: string, kept: Record<string, string> = {}): Page<T> {
  const end = page.offset + page.limit;
  const limit = String(page.limit);
  const result: Page<T> = {
    data: items.slice(page.offset, end),
    meta: { count: items.length },
    links: { self: withQuery(url, page.cursor === undefined ? { ...kept, limit } : { ...kept, cursor: page.cursor, limit }) },
  };
  if (end < items.length) {
    const next = encodeCursor(end);
    result.meta.cursor = next;
    result.links.next = withQuery(url, { ...kept, cursor: next, limit });
  }
  return result;
}
