import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { ConfigError, loadConfig, settings } from '../../src/config.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

async function start(env: Record<string, string>): Promise<{ code: number; stderr: string; stdout: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !Object.values(settings).some((s) => s.env === k || `${s.env}_FILE` === k)));
  return run(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: root, env: { ...clean, ...env }, timeout: 30_000 }).then(
    (r) => ({ code: 0, stderr: r.stderr, stdout: r.stdout }),
    (err: { code: number; stderr: string; stdout: string }) => ({ code: err.code, stderr: err.stderr, stdout: err.stdout }),
  );
}

t.test('a bad value stops the start with one line naming the variable', async (t) => {
  const res = await start({ VIRUSTOTAL_API_KEY: 'k', GATEWAY_CLIENTS_FILE: '/dev/null', PORT: 'eighty', UPSTREAM_RETRIES: '9' });
  t.equal(res.code, 1);
  const lines = res.stderr.trim().split('\n');
  t.equal(lines.length, 1, 'one line');
  t.match(lines[0], /PORT: must be an integer from 0 to 65535 \(got "eighty"\)/);
  t.match(lines[0], /UPSTREAM_RETRIES: must be an integer from 0 to 5/);
});

t.test('`*` beside other CORS origins stops the start with one line (it would allow every origin)', async (t) => {
  const res = await start({ VIRUSTOTAL_API_KEY: 'k', GATEWAY_CLIENTS_FILE: '/dev/null', CORS_ORIGINS: 'https://portal.example, *' });
  t.equal(res.code, 1);
  const lines = res.stderr.trim().split('\n');
  t.equal(lines.length, 1, 'one line');
  t.match(lines[0], /CORS_ORIGINS: `\*` allows every origin, so it cannot stand beside other origins/);
  t.same(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins, '*', '`*` alone is allowed');
  t.throws(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' }), /HTTP_REQUEST_TIMEOUT_MS: must be at least/);
});

t.test('npm start without a key refuses to start, in one clear line', async (t) => {
  const res = await start({ GATEWAY_CLIENTS_FILE: '/dev/null' });
  t.equal(res.code, 1);
  t.equal(res.stderr.trim(), 'vt-access-gateway: VIRUSTOTAL_API_KEY (or VIRUSTOTAL_API_KEY_FILE) is required');
});

t.test('secrets come from *_FILE too, and never appear in a configuration error', (t) => {
  const dir = t.testdir();
  const keyFile = join(dir, 'vt-key');
  writeFileSync(keyFile, 'secret-from-file\n');
  t.equal(loadConfig({ VIRUSTOTAL_API_KEY_FILE: keyFile }).vtApiKey, 'secret-from-file', 'read and trimmed');
  t.throws(() => loadConfig({ VIRUSTOTAL_API_KEY_FILE: join(dir, 'missing') }), /VIRUSTOTAL_API_KEY_FILE: cannot read the file \(ENOENT\)/);
  const redisFile = join(dir, 'redis-url');
  writeFileSync(redisFile, 'redis://:hunter2@redis:6379\n');
  t.equal(loadConfig({ VIRUSTOTAL_API_KEY: 'k', REDIS_URL_FILE: redisFile }).redisUrl, 'redis://:hunter2@redis:6379', 'REDIS_URL from a file');
  try {
    // A mistyped Redis URL that holds a password: the error names the setting, never the value.
    loadConfig({ VIRUSTOTAL_API_KEY: '', REDIS_URL: 'redis:/:hunter2@redis:6379', LOG_LEVEL: 'loud' });
    t.fail('should throw');
  } catch (err) {
    t.ok(err instanceof ConfigError);
    t.match((err as Error).message, /REDIS_URL: must be a value matching/);
    t.notMatch((err as Error).message, /hunter2/, 'the password stays out of the error');
    t.match((err as Error).message, /LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent/);
  }
  t.end();
});

// That the README's configuration table lists every setting, with its default, is test/core/readme-reference.test.ts.
t.test('every setting is documented', async (t) => {
  for (const s of Object.values(settings)) t.ok(s.doc.length > 10, `${s.env} documented`);
});

t.test('a front-gateway assertion header needs the front gateway named in TRUST_PROXY', (t) => {
  const assertion = { VIRUSTOTAL_API_KEY: 'k', ASSERTION_HEADER: 'x-goog-iap-jwt-assertion', ASSERTION_ISSUER: 'https://cloud.google.com/iap', ASSERTION_AUDIENCE: 'aud' };
  t.throws(() => loadConfig(assertion), /ASSERTION_HEADER needs TRUST_PROXY/);
  t.throws(() => loadConfig({ ...assertion, TRUST_PROXY: ' , ' }), /ASSERTION_HEADER needs TRUST_PROXY/, 'a list of nothing is none');
  t.equal(loadConfig({ ...assertion, TRUST_PROXY: '10.0.0.0/8' }).assertionHeader, 'x-goog-iap-jwt-assertion');
  t.end();
});
