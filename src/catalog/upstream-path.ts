import type { TObject } from '@sinclair/typebox';

type Segment = { literal: string } | { param: string };

/**
 * Compiles VirusTotal's path template once into a function that builds the concrete path: every parameter
 * percent-encoded as one segment, plus every query parameter the operation's schema knows, in schema order.
 */
export function compileUpstreamPath(
  template: string,
  query: TObject | undefined,
): (input: { params: Readonly<Record<string, string>>; query: Readonly<Record<string, unknown>> }) => string {
  const segments: Segment[] = template
    .split(/(\{[a-z_]+\})/)
    .filter((part) => part !== '')
    .map((part) => (part.startsWith('{') ? { param: part.slice(1, -1) } : { literal: part }));
  const queryNames = Object.keys(query?.properties ?? {});

  return (input) => {
    let path = '';
    for (const segment of segments) {
      path += 'literal' in segment ? segment.literal : encodeURIComponent(input.params[segment.param] ?? '');
    }
    let search: URLSearchParams | undefined;
    for (const name of queryNames) {
      const value = input.query[name];
      if (value !== undefined) (search ??= new URLSearchParams()).set(name, String(value));
    }
    return search === undefined ? path : `${path}?${search.toString()}`;
  };
}
