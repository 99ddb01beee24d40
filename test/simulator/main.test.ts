import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const MAIN = fileURLToPath(new URL('../../src/simulator/main.ts', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runMain(env: Record<string, string>, onLine?: (line: string, stop: () => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sawLine = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (onLine === undefined || sawLine || !stdout.includes('\n')) return;
      sawLine = true;
      onLine(stdout.trim(), () => child.kill('SIGTERM'));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

t.test('without SIM_API_KEY it prints one clear line and exits 1', async (t) => {
  const run = await runMain({});
  t.equal(run.code, 1);
  t.equal(run.stdout, '');
  t.match(run.stderr, /^vt-simulator: SIM_API_KEY is required[^\n]*\n$/);
});

t.test('a bad SIM_PORT is refused', async (t) => {
  const run = await runMain({ SIM_API_KEY: 'k', SIM_PORT: 'eighty' });
  t.equal(run.code, 1);
  t.match(run.stderr, /SIM_PORT/);
});

t.test('with a key it serves the demo data and prints its URL', async (t) => {
  let answered: { status: number; body: unknown } | undefined;
  const run = await runMain({ SIM_API_KEY: 'secret-key', SIM_PORT: '0' }, (line, stop) => {
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
    if (url === undefined) return stop();
    void fetch(`${url}/api/v3/groups/my_group_id/relationships/administrators/demo_admin`, {
      headers: { 'x-apikey': 'secret-key' },
    })
      .then(async (response) => {
        answered = { status: response.status, body: await response.json() };
      })
      .finally(stop);
  });
  t.match(run.stdout, /^VirusTotal simulator listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  t.strictSame(answered, { status: 200, body: { data: true } });
  t.equal(run.code, 0, 'SIGTERM closes it cleanly');
});
