import { Writable } from 'node:stream';
import { pino } from 'pino';
import t from 'tap';
import { createCore } from '../../src/core/core.js';
import { buildRestApp } from '../../src/rest/rest-app.js';
import { ClientRegistry } from '../../src/security/client-registry.js';
import { testConfig } from '../helpers/config.js';
import { adminClient, toClient } from '../helpers/gateway.js';

t.test("a request's logger costs nothing until it logs, and then its lines carry the request id", async (t) => {
  const lines: Record<string, unknown>[] = [];
  let children = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const log = pino({ level: 'info', onChild: () => (children += 1) }, sink);
  const dir = t.testdir();
  const core = await createCore(testConfig({ vtApiBaseUrl: 'http://127.0.0.1:9/api/v3', auditLogPath: `${dir}/audit.log` }), {
    log: pino({ level: 'silent' }),
    clients: ClientRegistry.fromClients([toClient(adminClient)]),
  });
  const app = await buildRestApp(core, { logger: log });
  app.get('/test-only/boom', () => {
    throw new Error('boom');
  });
  t.teardown(async () => {
    await app.close();
    await core.close();
  });
  await app.ready();
  const before = children;
  for (let i = 0; i < 20; i++) {
    t.equal((await app.inject({ url: '/v1/groups/g' })).statusCode, 401);
    t.equal((await app.inject({ url: `/v1/no/such/${i}` })).statusCode, 404);
  }
  t.equal(children - before, 0, 'forty requests that logged nothing made no child logger');

  const boom = await app.inject({ url: '/test-only/boom', headers: { 'x-request-id': 'req-boom-1' } });
  t.equal(boom.statusCode, 500);
  t.equal(children - before, 1, 'the one request that logged made its child');
  const logged = lines.find((line) => line.msg === 'unhandled error');
  t.equal(logged?.reqId, 'req-boom-1', "the error line names the request it belongs to");
  t.match(logged, { level: 50, err: { message: 'boom' } });
});
