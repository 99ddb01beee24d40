import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { connectionCaps, openFilesLimit } from '../../src/http/connection-limits.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

t.test('the soft open-files limit is read from /proc/self/limits', async (t) => {
  t.equal(openFilesLimit(LIMITS), 1024);
  t.equal(openFilesLimit(LIMITS.replace(/1024 /, 'unlimited')), Infinity);
  t.equal(openFilesLimit('nothing here'), Infinity);
  t.ok(openFilesLimit() > 0, 'this process has one');
});

t.test('caps that fit stay as configured; caps that do not are lowered together, in proportion, below the limit', async (t) => {
  const config = loadConfig({});
  t.same(connectionCaps(config, 1_048_576), { caps: { rest: 4096, mcp: 1024, metrics: 16 } });
  const { caps, lowered } = connectionCaps(config, 1024);
  t.ok(caps.rest + caps.mcp + caps.metrics <= 1024 - (config.upstreamConnections + 64), JSON.stringify(caps));
  t.ok(caps.rest > caps.mcp && caps.mcp > caps.metrics, 'in proportion');
  t.match(lowered, /open-files limit \(ulimit -n\) 1024 .* caps lowered from REST 4096, MCP 1024, metrics 16 to REST \d+, MCP \d+, metrics \d+/);
  t.equal(lowered?.includes('\n'), false, 'one line');
  t.same(connectionCaps({ ...config, metricsPort: 0 }, 4096 + 1024 + 128).caps, { rest: 4096, mcp: 1024, metrics: 16 }, 'no metrics port, no metrics share');
  t.match(connectionCaps({ ...config, metricsPort: 0 }, 1024).lowered, /to REST \d+, MCP \d+$/, 'nor a mention');
  t.throws(() => connectionCaps(config, 100), /open-files limit \(ulimit -n\) of 100 leaves no room for client connections/, 'a limit too low refuses to start');
});
