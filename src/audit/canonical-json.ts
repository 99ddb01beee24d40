/**
 * Canonical JSON: JSON.stringify's output for the same value, except that object keys are sorted by UTF-16 code
 * units at every depth and there is no whitespace. For any value read back from JSON this is RFC 8785 (JCS), so a
 * verifier in another language can recompute it with a JCS library.
 */
export function canonicalJson(value: unknown): string {
  const text = serialize(value, '');
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return text;
}

interface WithToJson {
  toJSON(key: string): unknown;
}

function hasToJson(value: object): value is WithToJson {
  return typeof (value as Partial<WithToJson>).toJSON === 'function';
}

/** Mirrors JSON.stringify's rules (toJSON, undefined/functions dropped from objects and null in arrays, NaN → null). */
function serialize(input: unknown, key: string): string | undefined {
  let value = input !== null && typeof input === 'object' && hasToJson(input) ? input.toJSON(key) : input;
  if (value instanceof Number || value instanceof String || value instanceof Boolean) value = value.valueOf();
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a BigInt has no JSON form');
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        return `[${value.map((item: unknown, i) => serialize(item, String(i)) ?? 'null').join(',')}]`;
      }
      const record = value as Record<string, unknown>;
      const members: string[] = [];
      for (const name of Object.keys(record).sort()) {
        const member = serialize(record[name], name);
        if (member !== undefined) members.push(`${JSON.stringify(name)}:${member}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      return undefined;
  }
}
