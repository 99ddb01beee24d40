import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import type { ChainLink } from '../../src/audit/line.js';
import { AppendFailed, type LineSink } from '../../src/audit/line-sink.js';
import { RotatingFile } from '../../src/audit/rotating-file.js';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { replyJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';

/** The real audit file, behind a switch that makes appends fail with ENOSPC: a full volume at the sink seam. */
class FillableSink implements LineSink {
  readonly name: string;
  /** Lines for which an append fails (the lines before them in the batch are stored). */
  failWhen: (line: string) => boolean = () => false;
  constructor(private readonly file: RotatingFile) {
    this.name = file.name;
  }
  open(): ChainLink | null {
    return this.file.open();
  }
  append(lines: readonly string[]): void {
    const failing = lines.findIndex((line) => this.failWhen(line));
    if (failing === -1) {
      this.file.append(lines);
      return;
    }
    if (failing > 0) this.file.append(lines.slice(0, failing));
    throw new AppendFailed(failing, Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  }
  isWritable(): boolean {
    return this.file.isWritable();
  }
  close(): void {
    this.file.close();
  }
}

const ADD = { data: [{ type: 'user', id: 'new_user@example.com' }] };

async function setUp(t: Test) {
  const upstream = await startFakeUpstream(replyJson(200, { data: true }));
  t.teardown(() => upstream.close());
  const path = join(t.testdir(), 'audit.log');
  const sink = new FillableSink(new RotatingFile({ path }));
  const gw = await buildTestGateway(t, { upstream: upstream.baseUrl, audit: AuditLog.writingTo(sink) });
  await gw.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`;
  const write = () =>
    fetch(`${base}/v1/groups/g/relationships/users`, {
      method: 'POST',
      headers: { ...gw.auth, 'content-type': 'application/json' },
      body: JSON.stringify(ADD),
    });
  const auditLines = (): AuditEntry[] =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AuditEntry);
  return { upstream, sink, gw, base, path, write, auditLines };
}

t.test('a full audit volume: writes get 503 with Retry-After and never reach VirusTotal', async (t) => {
  const { upstream, sink, gw, base, write } = await setUp(t);
  sink.failWhen = () => true;
  for (const attempt of [
    write,
    () => fetch(`${base}/v1/groups/g/relationships/administrators/user_1`, { method: 'DELETE', headers: gw.auth }),
  ]) {
    const res = await attempt();
    t.equal(res.status, 503);
    t.equal(res.headers.get('retry-after'), '5');
    t.match(await res.json(), { error: { code: 'TransientError', message: /audit log could not be written/ } });
  }
  t.same(upstream.seen, [], 'no write left the gateway');
  sink.failWhen = () => false;
  t.equal((await write()).status, 200, 'once the volume has room again, writes go through');
  t.equal(upstream.seen.length, 1);
});

t.test('every write has its intent on the record before it leaves, then its outcome; metrics count outcomes', async (t) => {
  const { upstream, gw, path, write, auditLines } = await setUp(t);
  t.equal((await write()).status, 200);
  const lines = auditLines();
  t.same(
    lines.map((l) => [l.operation, l.outcome, l.status]),
    [
      ['updateGroupUsers', 'intent', 0],
      ['updateGroupUsers', 'ok', 200],
    ],
  );
  t.equal(lines[0]?.requestId, lines[1]?.requestId, 'intent and outcome share the request id');
  t.same(lines[0]?.change, { addUsers: ['new_user@example.com'] }, 'the intent says who and what');
  t.equal(lines[0]?.bodySha256, lines[1]?.bodySha256);
  t.equal(upstream.seen.length, 1);
  t.ok(verifyAuditFiles([path]).ok);
  const metrics = await gw.core.metrics.registry.metrics();
  t.match(metrics, /vtgw_requests_total\{operation="updateGroupUsers",status="200"[^}]*\} 1\n/, 'one request counted, not two');
  t.notMatch(metrics, /status="0"/);
});

t.test('VirusTotal answered but the outcome line cannot be written: the answer goes back marked unrecorded', async (t) => {
  const { upstream, sink, gw, write, auditLines } = await setUp(t);
  sink.failWhen = (line) => line.includes('"outcome":"ok"');
  const res = await write();
  t.equal(res.status, 200, "VirusTotal's answer, not a 503 claiming nothing happened");
  t.equal(res.headers.get('x-vtgw-audit'), 'outcome-unrecorded');
  t.equal(upstream.seen.length, 1, 'the change was applied');
  t.match(auditLines(), [{ outcome: 'intent', operation: 'updateGroupUsers' }], 'its intent is on the record');
  t.match(await gw.core.readiness(), { auditLog: /not writable/ }, 'not ready');
  sink.failWhen = () => true;
  const next = await write();
  t.equal(next.status, 503, 'later writes wait until the log recovers');
  t.equal(upstream.seen.length, 1, 'and are not sent');
});
