import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { replyJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';

/** Mounts a tmpfs of `size` at `dir`; false where the machine does not allow it (not root, no mount namespace). */
function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fills the volume holding `dir` until the kernel says ENOSPC. */
function fill(dir: string): void {
  const chunk = Buffer.alloc(1024, 120);
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, `filler-${i}`), chunk);
    } catch {
      return;
    }
  }
}

t.test('a really full audit volume (a small tmpfs): writes get 503 and never reach VirusTotal', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vtgw-full-volume-'));
  if (!mountTmpfs(dir, '64k')) {
    rmSync(dir, { recursive: true, force: true });
    t.plan(0, 'cannot mount a tmpfs here (needs root)');
    return;
  }
  t.teardown(() => {
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  const upstream = await startFakeUpstream(replyJson(200, { data: true }));
  t.teardown(() => upstream.close());
  const gw = await buildTestGateway(t, { upstream: upstream.baseUrl, config: { auditLogPath: join(dir, 'audit.log'), auditMinFreeBytes: 0 } });
  await gw.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`;
  const write = () =>
    fetch(`${base}/v1/groups/g/relationships/users`, {
      method: 'POST',
      headers: { ...gw.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ data: [{ type: 'user', id: 'new_user@example.com' }] }),
    });
  t.equal((await write()).status, 200, 'with room, a write goes through');
  t.equal(upstream.seen.length, 1);

  fill(dir);
  // The audit file's last page may still hold a line or two: write until the kernel refuses the intent line.
  let refused: Response | undefined;
  for (let attempt = 0; attempt < 50 && refused === undefined; attempt++) {
    const sentBefore = upstream.seen.length;
    const res = await write();
    if (res.status === 503) {
      refused = res;
      t.equal(upstream.seen.length, sentBefore, 'the refused write was not sent');
    } else {
      t.equal(res.status, 200, 'until then, VirusTotal answered');
    }
  }
  if (refused === undefined) return t.fail('the full volume never refused a write');
  t.equal(refused.headers.get('retry-after'), '5');
  t.match(await refused.json(), { error: { code: 'TransientError' } });
  const sent = upstream.seen.length;
  const removal = await fetch(`${base}/v1/groups/g/relationships/administrators/user_1`, { method: 'DELETE', headers: gw.auth });
  t.equal(removal.status, 503);
  t.equal(upstream.seen.length, sent, 'no write reached VirusTotal while the volume was full');

  for (let i = 0; i < 2000; i++) rmSync(join(dir, `filler-${i}`), { force: true });
  t.equal((await write()).status, 200, 'room again: writes go through');
  t.equal(upstream.seen.length, sent + 1);
});
