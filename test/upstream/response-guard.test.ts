import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import t from 'tap';
import { ResponseGuard, secretForms } from '../../src/upstream/response-guard.js';

const SECRET = 'k'.repeat(12) + '0123456789abcdef0123456789abcdef0123456789abcdef0123'; // 64 bytes, like a VT key
const hex = (b: number, upper: boolean): string => (upper ? b.toString(16).toUpperCase() : b.toString(16)).padStart(2, '0');
/** Every form an echo may take, written out here rather than derived from the code under test. */
const FORMS = [
  SECRET,
  SECRET.toUpperCase(),
  [...Buffer.from(SECRET)].map((b) => `\\u00${hex(b, false)}`).join(''),
  [...Buffer.from(SECRET)].map((b) => `\\u00${hex(b, true)}`).join(''),
  [...Buffer.from(SECRET)].map((b) => `%${hex(b, false)}`).join(''),
  [...Buffer.from(SECRET)].map((b) => `%${hex(b, true)}`).join(''),
];

/** Sends `body` through a guard in the given chunk sizes and returns what comes out. */
async function guarded(body: Buffer, cuts: number[], maxBytes = 1 << 30): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let at = 0;
  for (const cut of cuts) {
    if (at >= body.length) break;
    chunks.push(body.subarray(at, Math.min(body.length, at + cut)));
    at += cut;
  }
  if (at < body.length) chunks.push(body.subarray(at));
  return buffer(Readable.from(chunks, { objectMode: false }).pipe(new ResponseGuard(maxBytes, secretForms(SECRET))));
}

t.test('whatever the chunking, the body comes out byte for byte, with every occurrence of the key in any form redacted', async () => {
  const piece = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.constantFrom(...FORMS),
    fc.constant(SECRET.slice(0, 40)), // a prefix of the key alone is no secret
    fc.integer({ min: 1, max: 200_000 }).map((n) => 'x'.repeat(n)),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(piece, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 70_000 }), { maxLength: 40 }), async (pieces, cuts) => {
      const body = Buffer.from(pieces.join(''));
      const out = await guarded(body, cuts);
      const expected = FORMS.reduce((text, form) => text.split(form).join('[REDACTED]'), pieces.join(''));
      return out.equals(Buffer.from(expected));
    }),
    { seed: 20261124, numRuns: 300 },
  );
});

t.test('the size cap holds across chunks', async (t) => {
  await t.rejects(guarded(Buffer.alloc(100_000, 'a'), [16_384], 50_000), /exceeded 50000 bytes/);
  t.equal((await guarded(Buffer.alloc(50_000, 'a'), [16_384], 50_000)).length, 50_000);
});
