import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import t from 'tap';
import { createLinkRewriter, linkRewriteStream, VIRUSTOTAL_API_PREFIX, withLinksRewritten } from '../../src/core/link-rewrite.js';

const rewrite = createLinkRewriter({ sources: [VIRUSTOTAL_API_PREFIX, 'http://10.0.0.7:8443/vt/api/v3/'], publicBaseUrl: 'https://gw.example/' });
const run = (text: string, prefix = '/v1'): string => rewrite(Buffer.from(text, 'utf8'), prefix).toString('utf8');

t.test("VirusTotal's links, and VT_API_BASE_URL's, point at PUBLIC_BASE_URL under the caller's prefix", async (t) => {
  const page = JSON.stringify({
    data: [{ id: 'ana@example.com', type: 'user', links: { self: 'https://www.virustotal.com/api/v3/users/ana@example.com' } }],
    meta: { cursor: 'Mg' },
    links: { self: 'https://www.virustotal.com/api/v3/groups/g/relationships/users?limit=2', next: 'http://10.0.0.7:8443/vt/api/v3/groups/g/relationships/users?cursor=Mg&limit=2' },
  });
  t.same(JSON.parse(run(page, '/api/v3')), {
    data: [{ id: 'ana@example.com', type: 'user', links: { self: 'https://gw.example/api/v3/users/ana@example.com' } }],
    meta: { cursor: 'Mg' },
    links: { self: 'https://gw.example/api/v3/groups/g/relationships/users?limit=2', next: 'https://gw.example/api/v3/groups/g/relationships/users?cursor=Mg&limit=2' },
  });
  t.equal(run('{"links":{"self":"https://www.virustotal.com/api/v3"}}'), '{"links":{"self":"https://gw.example/v1"}}', 'the bare prefix too');
});

t.test('slashes escaped as \\/ in the JSON are links all the same', async (t) => {
  const escaped = '{"links":{"next":"https:\\/\\/www.virustotal.com\\/api\\/v3\\/groups\\/g\\/users?cursor=Mg"}}';
  t.same(JSON.parse(run(escaped)), { links: { next: 'https://gw.example/v1/groups/g/users?cursor=Mg' } });
});

t.test('anything else is left byte for byte', async (t) => {
  const untouched = [
    '{"note":"https://www.virustotal.com/api/v3x/not-the-prefix"}',
    '{"gui":"https://www.virustotal.com/gui/home/upload"}',
    '{"other":"https://evil.example/api/v3/groups/g"}',
    '{"name":"José 用户 ✓"}',
  ];
  for (const text of untouched) {
    const body = Buffer.from(text, 'utf8');
    t.equal(rewrite(body, '/v1'), body, `${text}: the same buffer comes back`);
  }
  t.equal(run('{"name":"José","self":"https://www.virustotal.com/api/v3/users/jos%C3%A9"}'), '{"name":"José","self":"https://gw.example/v1/users/jos%C3%A9"}');
});

t.test('a streamed answer gets the same rewrite whatever its chunks split', async (t) => {
  const items = Array.from({ length: 200 }, (_, i) => ({ id: `u${i}`, links: { self: `https://www.virustotal.com/api/v3/users/u${i}`, gui: 'é' } }));
  const answer = { data: items, links: { next: 'https:\\/\\/www.virustotal.com\\/api\\/v3\\/x' } };
  const text = JSON.stringify(answer);
  const whole = rewrite(Buffer.from(text), '/api/v3');
  const bytes = Buffer.from(text);
  for (const [form, sent] of [['compact', bytes], ['pretty-printed', Buffer.from(JSON.stringify(answer, null, 2))]] as const) {
    const expected = rewrite(sent, '/api/v3');
    for (const size of [1, 7, 33, 64, 1000]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < sent.length; at += size) chunks.push(sent.subarray(at, at + size));
      const out = await buffer(Readable.from(chunks).pipe(linkRewriteStream(rewrite, '/api/v3')));
      t.ok(out.equals(expected), `${form}, chunks of ${size} bytes`);
    }
  }
  const viaHelper = withLinksRewritten(Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]), rewrite, '/api/v3');
  t.ok(viaHelper instanceof Readable && (await buffer(viaHelper)).equals(whole));
});

t.test('a long run of whitespace flows on as it comes instead of waiting for the end of its string', async (t) => {
  const stream = linkRewriteStream(rewrite, '/v1');
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  stream.write(Buffer.from(`{"data":"${' '.repeat(10_000)}`));
  stream.write(Buffer.from(' '.repeat(10_000)));
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(Buffer.concat(out).length, 20_009, 'every byte so far has been passed on');
  stream.end('https://www.virustotal.com/api/v3/users/u1"}');
  await new Promise((resolve) => stream.on('end', resolve));
  t.match(Buffer.concat(out).toString(), /https:\/\/gw\.example\/v1\/users\/u1"}$/);
});

t.test('one long string without quotes or spaces flows on too, and links inside it are rewritten wherever chunks split', async (t) => {
  const run = 'a'.repeat(5_000);
  const text = `{"blob":"${run}https://www.virustotal.com/api/v3/users/u1/${run}https:\\/\\/www.virustotal.com\\/api\\/v3\\/x?${run}"}`;
  const expected = rewrite(Buffer.from(text), '/v1');
  t.ok(expected.toString().includes('https://gw.example/v1/users/u1/') && expected.toString().includes('https://gw.example/v1\\/x?'));
  for (const size of [1, 13, 64, 333, 4096]) {
    const stream = linkRewriteStream(rewrite, '/v1');
    const out: Buffer[] = [];
    let passedOn = 0;
    stream.on('data', (chunk: Buffer) => {
      out.push(chunk);
      passedOn += chunk.length;
    });
    // Rewritten links are 12 bytes shorter here: what is held back is the rest, give or take 24 bytes.
    let mostHeld = 0;
    for (let at = 0; at < text.length; at += size) {
      stream.write(Buffer.from(text.slice(at, at + size)));
      await new Promise((resolve) => setImmediate(resolve));
      mostHeld = Math.max(mostHeld, Math.min(at + size, text.length) - passedOn);
    }
    stream.end();
    await new Promise((resolve) => stream.on('end', resolve));
    t.ok(Buffer.concat(out).equals(expected), `chunks of ${size} bytes: the same rewrite`);
    t.ok(mostHeld < 2 * 41 + 24 + size, `chunks of ${size} bytes: at most ${mostHeld} bytes held back at a time`);
  }
});

t.test("an error of VirusTotal's stream reaches the rewritten one", async (t) => {
  const failing = new Readable({ read() {} });
  const out = withLinksRewritten(failing, rewrite, '/v1');
  t.ok(out instanceof Readable);
  failing.push('{"a":"');
  failing.destroy(new Error('VirusTotal hung up'));
  await t.rejects(buffer(out as Readable), /VirusTotal hung up/);
});
