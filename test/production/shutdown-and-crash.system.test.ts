import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { writeClientsFile } from '../helpers/clients-file.js';
import { TEST_VT_KEY } from '../helpers/config.js';
import { replyJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { spawnGateway } from '../helpers/gateway-process.js';

const TOKEN = 'vtgw_process-test-token-00000000000000000000000000';

interface LoadResult {
  answered: string[];
  failed: string[];
}

/** Keeps `concurrency` requests in flight until stopped; records the x-request-id of every answer received. */
function load(url: string, concurrency: number): { stop(): void; done: Promise<LoadResult> } {
  let running = true;
  const answered: string[] = [];
  const failed: string[] = [];
  const worker = async (w: number) => {
    for (let i = 0; running; i++) {
      const id = `load-${w}-${i}`;
      try {
        const res = await fetch(`${url}/v1/groups/my_group_id`, { headers: { authorization: `Bearer ${TOKEN}`, 'x-request-id': id } });
        await res.arrayBuffer();
        if (res.headers.get('x-request-id') === id) answered.push(id);
        if (res.status !== 200) failed.push(`${id}: ${res.status}`);
      } catch (err) {
        failed.push(`${id}: ${(err as Error).message}`);
        return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, (_v, w) => worker(w))).then(() => ({ answered, failed }));
  return { stop: () => (running = false), done };
}

const gatewayEnv = (upstreamUrl: string, dir: string, auditPath: string): Record<string, string> => ({
  VT_API_BASE_URL: upstreamUrl,
  VIRUSTOTAL_API_KEY: TEST_VT_KEY,
  GATEWAY_CLIENTS_FILE: writeClientsFile(dir, TOKEN),
  AUDIT_LOG_PATH: auditPath,
  RATE_LIMIT_READS_PER_MINUTE: '1000000',
  UPSTREAM_BUDGET_PER_MINUTE: '1000000',
});

const auditLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { requestId: string; gatewayCode?: string; channel: string });
const auditIds = (path: string) => new Set(auditLines(path).map((l) => l.requestId));

t.test('SIGTERM under load: in-flight requests finish, every answer is audited, exit 0', async (t) => {
  const upstream = await startFakeUpstream((req, res) => setTimeout(() => replyJson(200, { data: { id: 'my_group_id' } })(req, res), 150));
  t.teardown(() => upstream.close());
  const dir = t.testdir();
  const auditPath = join(dir, 'audit.log');
  const gw = await spawnGateway(gatewayEnv(upstream.baseUrl, dir, auditPath));
  t.teardown(() => gw.stop('SIGKILL'));
  const traffic = load(gw.url, 16);
  await new Promise((r) => setTimeout(r, 600));
  const inFlightAtSignal = upstream.seen.length;
  const exited = gw.stop('SIGTERM');
  await new Promise((r) => setTimeout(r, 100));
  traffic.stop();
  const { answered, failed } = await traffic.done;
  t.equal(await exited, 0, 'exit code 0');
  t.ok(inFlightAtSignal > 0 && answered.length > 0, `answers received: ${answered.length}`);
  // A request sent on a kept-alive connection after the signal is new work: refused with 503 while closing.
  const refusedAfterClose = failed.filter((f) => /: 503$|fetch failed|ECONNREFUSED|other side closed|socket/i.test(f));
  t.same(failed.filter((f) => !refusedAfterClose.includes(f)), [], 'no request failed with an error status');
  t.ok(refusedAfterClose.length <= 32, 'only requests sent after the signal were refused (a few per connection)');
  const audited = auditIds(auditPath);
  t.same(answered.filter((id) => !audited.has(id)), [], 'every answer the clients received is in the audit log');
  // Lines of the gateway's own events (the key owner found at start) are not requests.
  const unanswered = auditLines(auditPath).filter((l) => !answered.includes(l.requestId) && l.channel !== 'gateway');
  t.same(
    unanswered.filter((l) => l.gatewayCode !== 'GW_ERR_SHUTTING_DOWN'),
    [],
    'the log has no request the clients did not get an answer for, besides the refusals of new work while closing',
  );
  t.ok(verifyAuditFiles([auditPath]).ok, 'the chain is intact');
});

t.test('kill -9 under load: every x-request-id a client received is in the audit log', async (t) => {
  const upstream = await startFakeUpstream(replyJson(200, { data: true }));
  t.teardown(() => upstream.close());
  const dir = t.testdir();
  const auditPath = join(dir, 'audit.log');
  const gw = await spawnGateway(gatewayEnv(upstream.baseUrl, dir, auditPath));
  const traffic = load(gw.url, 16);
  await new Promise((r) => setTimeout(r, 1000));
  await gw.stop('SIGKILL');
  traffic.stop();
  const { answered } = await traffic.done;
  const audited = auditIds(auditPath);
  t.ok(answered.length > 50, `answers received before the kill: ${answered.length}`);
  t.same(answered.filter((id) => !audited.has(id)), [], 'none of them is missing from the log');
  t.ok(verifyAuditFiles([auditPath]).ok, 'the chain up to the kill is intact');
});
