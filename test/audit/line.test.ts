import fc from 'fast-check';
import t from 'tap';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { bodyHash, chainLine, entryJson, splitLine } from '../../src/audit/line.js';

// Any UTF-16 text, lone surrogates included; keys as odd as JSON allows ("__proto__", integer-like ones).
const text = fc.string({ unit: 'binary', maxLength: 24 });
const key = fc.oneof(text, fc.nat().map(String), fc.constant('__proto__'));
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
    people: fc.array(fc.record({ username: fc.option(text), email: fc.option(text) }), { maxLength: 3 }),
    cut: fc.dictionary(key, fc.record({ bytes: fc.nat(), sha256: fc.stringMatching(/^[0-9a-f]{64}$/) }), { maxKeys: 2 }),
    gatewayCode: text,
    keyFingerprint: text,
  },
  { requiredKeys: ['time', 'requestId', 'channel', 'clientId', 'clientIp', 'operation', 'method', 'path', 'targets', 'outcome', 'status', 'upstreamStatus', 'errorCode', 'durationMs', 'upstreamMs'] },
);

const prevHash = fc.stringMatching(/^[0-9a-f]{64}$/);

t.test('any entry: one line, read back as the entry plus its chain fields, its hash recomputable from its own text', async (t) => {
  fc.assert(
    fc.property(entry, prevHash, fc.boolean(), (e, prev, restart) => {
      const { text: line, hash } = chainLine(entryJson(e), { prevHash: prev, chainRestart: restart });
      if (!line.endsWith('}\n') || line.indexOf('\n') !== line.length - 1) return false;
      // What a verifier in any language does: split the hash member off the text and hash the rest.
      const split = splitLine(line.slice(0, -1));
      if (split === null || split.hash !== hash || bodyHash(prev, split.body) !== hash) return false;
      const readBack = JSON.parse(line) as Record<string, unknown>;
      const expected = JSON.parse(JSON.stringify({ ...e, prevHash: prev, ...(restart ? { chainRestart: true } : {}), hash })) as unknown;
      t.same(readBack, expected);
      return true;
    }),
    { seed: 20261124, numRuns: 1000 },
  );
});

t.test('any entry: its fields are byte for byte what JSON.stringify writes of its members in reading order', async (t) => {
  const inReadingOrder = (e: AuditEntry): Record<keyof AuditEntry, unknown> => ({
    time: e.time, requestId: e.requestId, channel: e.channel, clientId: e.clientId, clientIp: e.clientIp, operation: e.operation,
    method: e.method, path: e.path, targets: e.targets, people: e.people, cut: e.cut, outcome: e.outcome, status: e.status,
    upstreamStatus: e.upstreamStatus, errorCode: e.errorCode, gatewayCode: e.gatewayCode, durationMs: e.durationMs,
    upstreamMs: e.upstreamMs, keyFingerprint: e.keyFingerprint, change: e.change, bodySha256: e.bodySha256,
  });
  fc.assert(
    fc.property(entry, (e) => entryJson(e) === JSON.stringify(inReadingOrder(e))),
    { seed: 20261202, numRuns: 2000 },
  );
  t.pass('2000 entries, lone surrogates, control characters and "__proto__" keys among them');
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
    targets: { group: 'g', relationship: 'users' },
    change: { users: [{ id: 'u', addRoles: ['R'] }] },
    bodySha256: 'b'.repeat(64),
    outcome: 'ok',
    status: 200,
    upstreamStatus: 200,
    errorCode: null,
    durationMs: 1.5,
    upstreamMs: 1,
  };
  const keys = Object.keys(JSON.parse(chainLine(entryJson(e), { prevHash: '0'.repeat(64), chainRestart: true }).text) as object);
  t.same(keys, [
    'time', 'requestId', 'channel', 'clientId', 'clientIp', 'operation', 'method', 'path', 'targets', 'outcome', 'status',
    'upstreamStatus', 'errorCode', 'durationMs', 'upstreamMs', 'change', 'bodySha256', 'prevHash', 'chainRestart', 'hash',
  ]);
  const unrestarted = chainLine(entryJson(e), { prevHash: '0'.repeat(64), chainRestart: false }).text;
  t.notOk('chainRestart' in (JSON.parse(unrestarted) as object), 'chainRestart only when true');
});
