import fc from 'fast-check';
import t from 'tap';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { canonicalTextHash, lineHash } from '../../src/audit/chain-hash.js';
import { lineTexts } from '../../src/audit/line-text.js';

// Named keys as the entries' objects have them, and integer-like ones, which JavaScript orders first.
const key = fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,11}$/), fc.nat().map(String), fc.string({ unit: 'binary', maxLength: 6 }), fc.constant('__proto__'));
// Any UTF-16 text, lone surrogates included.
const text = fc.string({ unit: 'binary', maxLength: 24 });
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
})).value;

const entry: fc.Arbitrary<AuditEntry> = fc.record(
  {
    time: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    requestId: text,
    channel: fc.constantFrom('rest' as const, 'mcp' as const),
    clientId: fc.option(text),
    clientIp: text,
    operation: fc.option(text),
    method: text,
    path: text,
    targets: fc.dictionary(key, text, { maxKeys: 4 }),
    change: fc.dictionary(key, json, { maxKeys: 4 }),
    bodySha256: fc.stringMatching(/^[0-9a-f]{64}$/),
    outcome: fc.constantFrom('ok' as const, 'denied' as const, 'failed' as const),
    status: fc.integer({ min: 100, max: 599 }),
    upstreamStatus: fc.option(fc.integer({ min: 100, max: 599 })),
    errorCode: fc.option(text),
    durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
    upstreamMs: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true })),
  },
  { requiredKeys: ['time', 'requestId', 'channel', 'clientId', 'clientIp', 'operation', 'method', 'path', 'targets', 'outcome', 'status', 'upstreamStatus', 'errorCode', 'durationMs', 'upstreamMs'] },
);

const prevHash = fc.stringMatching(/^[0-9a-f]{64}$/);

t.test('the hashed text is the canonical JSON of the written line without its hash, for any entry', async (t) => {
  fc.assert(
    fc.property(entry, prevHash, fc.boolean(), (e, prev, restart) => {
      const texts = lineTexts(e, prev, restart);
      const hash = canonicalTextHash(prev, texts.hashed);
      const written = texts.written(hash);
      if (!written.endsWith('}\n') || written.indexOf('\n') !== written.length - 1) return false;
      const { hash: readBack, ...rest } = JSON.parse(written) as Record<string, unknown>;
      // What a verifier in any language recomputes from the line as read back.
      return readBack === hash && canonicalJson(rest) === texts.hashed && lineHash(prev, rest) === hash;
    }),
    { seed: 20261124, numRuns: 2000 },
  );
});

t.test('a line reads in a fixed order: time first, then who and what, the chain fields last', async (t) => {
  const e: AuditEntry = {
    time: '2026-11-24T10:00:00.000Z',
    requestId: 'r-1',
    channel: 'rest',
    clientId: 'svc',
    clientIp: '10.0.0.1',
    operation: 'patchGroupUsers',
    method: 'PATCH',
    path: '/v1/groups/g/relationships/users',
    targets: { relationship: 'users', group: 'g' },
    change: { users: [{ id: 'u', addRoles: ['R'] }] },
    bodySha256: 'b'.repeat(64),
    outcome: 'ok',
    status: 200,
    upstreamStatus: 200,
    errorCode: null,
    durationMs: 1.5,
    upstreamMs: 1,
  };
  const texts = lineTexts(e, '0'.repeat(64), true);
  const keys = Object.keys(JSON.parse(texts.written('c'.repeat(64))) as object);
  t.same(keys, [
    'time', 'requestId', 'channel', 'clientId', 'clientIp', 'operation', 'method', 'path', 'targets', 'outcome', 'status',
    'upstreamStatus', 'errorCode', 'durationMs', 'upstreamMs', 'change', 'bodySha256', 'prevHash', 'chainRestart', 'hash',
  ]);
  t.notOk('chainRestart' in (JSON.parse(lineTexts(e, '0'.repeat(64), false).written('c'.repeat(64))) as object), 'chainRestart only when true');
});
