import type { Operation, ValidatedInput } from '../catalog/operation.js';

type Segment = { literal: string } | { param: string };

/**
 * Compiles an operation's `/v1/...` template once into a function that builds VirusTotal's path: the same path
 * without `/v1`, every parameter percent-encoded as one segment, plus the validated paging query.
 */
export function compileUpstreamPath(op: Operation): (input: ValidatedInput) => string {
  const template = op.path.replace(/^\/v1/, '');
  const segments: Segment[] = template
    .split(/(\{[a-z_]+\})/)
    .filter((part) => part !== '')
    .map((part) => (part.startsWith('{') ? { param: part.slice(1, -1) } : { literal: part }));
  const forwardsQuery = op.query !== undefined;

  return (input) => {
    let path = '';
    for (const segment of segments) {
      path += 'literal' in segment ? segment.literal : encodeURIComponent(input.params[segment.param] ?? '');
    }
    if (forwardsQuery) {
      const query = new URLSearchParams();
      for (const name of ['limit', 'cursor']) {
        const value = input.query[name];
        if (value !== undefined) query.set(name, String(value));
      }
      const qs = query.toString();
      if (qs !== '') path += `?${qs}`;
    }
    return path;
  };
}
