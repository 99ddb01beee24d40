// The operator's commands as the README shows them, run in the production layout: package.json and the lockfile,
// `npm ci --omit=dev` (offline, from the npm cache `npm ci` filled), a freshly built dist/, `vtgw` linked onto the
// PATH as the Dockerfile links it, and no src/, tsx or TypeScript. Every command in a README code span that names
// `vtgw`, an operator npm script, `npm start` or `node dist/...` must be one this test knows how to run, and runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import t from 'tap';
import { readRepoFile, repoRoot, shellWords } from '../container/fixtures/container-files.js';
import { freePort } from '../helpers/redis.js';

t.setTimeout(300_000);

const readme = readRepoFile('README.md');
const operatorCommand = /^(?:[A-Z_]+=\S+ )*(?:(?:vtgw|npx vtgw|npm run token|npm run audit:verify|npm start)(?:\s|$)|node dist\/)/;

/**
 * The README's operator commands: code spans and lines of code blocks that start like one. A bare name
 * (`vtgw token`, `npm start`) is a mention, not a command: a command sets a variable, passes an option or names
 * a path.
 */
function readmeCommands(): string[] {
  const blocks = [...readme.matchAll(/^```[a-z]*\n([^]*?)^```/gm)].flatMap((m) => (m[1] ?? '').split('\n'));
  const spans = [...readme.replace(/^```[a-z]*\n[^]*?^```/gm, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? '');
  const found = [...blocks, ...spans]
    .map((text) => text.replace(/\s+#.*$/, '').trim())
    .filter((text) => operatorCommand.test(text))
    .filter((text) => /^[A-Z_]+=/.test(text) || shellWords(text).some((w) => w.startsWith('-') || w.includes('/')));
  return [...new Set(found)];
}

/** The words after the variable assignments. */
function program(command: string): string {
  return command.replace(/^(?:[A-Z_]+=\S+ )*/, '');
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function sh(command: string, cwd: string, env: Record<string, string>): Promise<Run> {
  const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

async function mustRun(command: string, cwd: string, env: Record<string, string>): Promise<string> {
  const run = await sh(command, cwd, env);
  if (run.status !== 0) throw new Error(`${command} exited with ${String(run.status)}:\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

interface Service {
  child: ChildProcess;
  output(): string;
  /** Every process of the command gone and its output closed. */
  closed: Promise<void>;
}

/** A long-running command in its own process group, so that a signal reaches all of it, as from a terminal. */
function serve(command: string, cwd: string, env: Record<string, string>): Service {
  const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { child, output: () => output, closed };
}

function signalGroup(service: Service, signal: NodeJS.Signals): void {
  if (service.child.pid === undefined) return;
  try {
    process.kill(-service.child.pid, signal);
  } catch {
    // already gone
  }
}

async function waitFor(url: string, service: Service, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`${what} exited:\n${service.output()}`);
    const up = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up:\n${service.output()}`);
}

/** The token and the clients-file entry a token command printed (npm's own lines around them aside). */
function minted(stdout: string): { token: string; entry: { id: string; tokenSha256: string } } {
  const lines = stdout.split('\n');
  const at = lines.findIndex((line) => /^vtgw_[A-Za-z0-9_-]{43}$/.test(line));
  if (at < 0) throw new Error(`no token printed:\n${stdout}`);
  return { token: lines[at] ?? '', entry: JSON.parse(lines[at + 1] ?? '') as { id: string; tokenSha256: string } };
}

t.test('the README shows the operator commands this test runs', async (t) => {
  const commands = readmeCommands();
  t.ok(commands.some((c) => /^vtgw token /.test(c)), 'vtgw token');
  t.ok(commands.some((c) => /^vtgw audit verify /.test(c)), 'vtgw audit verify');
  t.ok(commands.some((c) => /(^| )npm start$/.test(c)), 'npm start');
  t.ok(commands.some((c) => program(c).startsWith('node dist/simulator/main.js')), 'the simulator');
});

t.test('in the production layout, every operator command the README shows works as written', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'vtgw-operator-'));
  const services: Service[] = [];
  t.teardown(async () => {
    for (const s of services) signalGroup(s, 'SIGKILL');
    await Promise.all(services.map((s) => s.closed));
    rmSync(work, { recursive: true, force: true });
  });

  // ---- the layout: dist/ built from a copy of the sources, production dependencies installed beside it ----
  const build = join(work, 'build');
  const app = join(work, 'app');
  const bin = join(work, 'usr-local-bin');
  for (const dir of [build, app, bin]) mkdirSync(dir);
  for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(repoRoot, file), join(build, file));
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(repoRoot, file), join(app, file));
  cpSync(join(repoRoot, 'src'), join(build, 'src'), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(build, 'node_modules'));
  // The machine's node and the system; not the repository's node_modules/.bin. Offline: the npm cache serves all.
  const PATH = [bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
  const env: Record<string, string> = { PATH, HOME: process.env.HOME ?? '/root', npm_config_offline: 'true', npm_config_update_notifier: 'false' };
  await Promise.all([
    mustRun('npm run build', build, env),
    mustRun('npm ci --omit=dev --no-audit --no-fund --offline', app, env),
  ]);
  cpSync(join(build, 'dist'), join(app, 'dist'), { recursive: true });
  t.notOk(existsSync(join(app, 'src')), 'no src/');
  for (const dev of ['tsx', 'typescript', 'tap']) t.notOk(existsSync(join(app, 'node_modules', dev)), `no ${dev}`);

  // `vtgw` on the PATH, as the Dockerfile links it.
  const link = /^RUN ln -s (\/app\/\S+) (\/usr\/local\/bin\/vtgw)$/m.exec(readRepoFile('Dockerfile'));
  if (link === null) throw new Error('the Dockerfile does not link /usr/local/bin/vtgw into /app');
  symlinkSync(join(app, posix.relative('/app', link[1] ?? '')), join(bin, 'vtgw'));

  // ---- the README's commands, by kind ----
  const commands = readmeCommands();
  const kinds = {
    token: commands.filter((c) => /^(npx )?vtgw token |^npm run token -- /.test(c)),
    keygen: commands.filter((c) => /^(npx )?vtgw audit keygen /.test(c)),
    query: commands.filter((c) => /^(npx )?vtgw audit (query|export) /.test(c)),
    verify: commands.filter((c) => /^(npx )?vtgw audit verify |^npm run audit:verify -- /.test(c)),
    help: commands.filter((c) => /^(npx )?vtgw --help$/.test(c)),
    start: commands.filter((c) => /(^| )npm start$/.test(c)),
    simulator: commands.filter((c) => program(c).startsWith('node dist/simulator/main.js')),
  };
  const known = Object.values(kinds).flat();
  t.same(commands.filter((c) => !known.includes(c)), [], 'no README command this test does not know how to run');
  t.comment(`README commands:\n  ${commands.join('\n  ')}`);

  // Placeholders the README leaves to the reader: the simulator's key (`...`) and the secret file's path.
  const key = randomBytes(16).toString('hex');
  const keyFile = join(work, 'vt-key');
  writeFileSync(keyFile, `${key}\n`);
  const filled = (command: string): string => command.replace('SIM_API_KEY=...', `SIM_API_KEY=${key}`).replaceAll('/run/secrets/vt', keyFile);

  for (const command of kinds.help) {
    const out = await mustRun(command, app, env);
    t.match(out, /vtgw token[^]*vtgw audit verify|token[^]*audit verify/, `${command}: lists the commands`);
  }

  const simPort = await freePort();
  for (const command of kinds.simulator) {
    const sim = serve(filled(command), app, { ...env, SIM_PORT: String(simPort) });
    services.push(sim);
    await waitFor(`http://127.0.0.1:${simPort}/_simulator/stats`, sim, command);
    t.pass(`${command}: the simulator serves`);
  }
  if (services.length === 0) throw new Error('the README shows no way to start the simulator');

  let client: ReturnType<typeof minted> | undefined;
  for (const command of kinds.token) {
    client = minted(await mustRun(command, app, env));
    t.pass(`${command}: minted ${client.entry.id}`);
  }
  if (client === undefined) throw new Error('the README shows no token command');
  writeFileSync(join(app, 'clients.json'), JSON.stringify({ clients: [client.entry] }));

  for (const command of kinds.keygen) {
    const out = await mustRun(command, app, env);
    t.match(out, /audit-signing\.key\n.*audit-signing\.pub\n$/, `${command}: wrote the key pair`);
  }

  for (const command of kinds.start) {
    const [port, mcpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
    const gateway = serve(filled(command), app, {
      ...env,
      VT_API_BASE_URL: `http://127.0.0.1:${simPort}/api/v3`,
      HOST: '127.0.0.1',
      PORT: String(port),
      MCP_PORT: String(mcpPort),
      METRICS_PORT: String(metricsPort),
    });
    services.push(gateway);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/healthz`, gateway, command);
    const group = (JSON.parse(readFileSync(join(app, 'clients.json'), 'utf8')) as { clients: Array<{ groups: string[] }> }).clients[0]?.groups[0];
    const res = await fetch(`${base}/v1/groups/${group ?? 'none'}`, { headers: { authorization: `Bearer ${client.token}` } });
    const body = await res.text();
    const stats = (await (await fetch(`http://127.0.0.1:${simPort}/_simulator/stats`)).json()) as { requests: number };
    t.ok(stats.requests >= 1, `${command}: the minted token's request reached the simulator (${res.status} ${body.slice(0, 200)})`);
    t.notOk(res.headers.get('content-type')?.includes('text/html'), 'a JSON answer');

    signalGroup(gateway, 'SIGTERM');
    await gateway.closed;
    t.match(gateway.output(), /shutting down/i, `${command}: SIGTERM shuts it down`);
    t.notMatch(gateway.output(), /grace period over|error while shutting down/, 'cleanly');
    const after = await fetch(`${base}/healthz`).then(
      () => 'still up',
      () => 'gone',
    );
    t.equal(after, 'gone', 'and it is gone');
  }
  if (kinds.start.length === 0) throw new Error('the README shows no npm start command');

  t.ok(existsSync(join(app, 'audit/audit.log')), 'the gateway wrote its audit log at the default ./audit/audit.log');
  for (const command of kinds.verify) {
    const out = await mustRun(command, app, env);
    const signed = command.includes('--public-key');
    const expected = signed ? /^OK: [1-9]\d* lines in 1 files, chain intact, [1-9]\d* signed checkpoints agree(; the last \d+ lines are after the newest checkpoint \(chain only\))?$/m : /^OK: [1-9]\d* lines in 1 files, chain intact$/m;
    t.match(out, expected, `${command}: the gateway's own log verifies`);
  }
  if (kinds.verify.length === 0) throw new Error('the README shows no audit verify command');
  for (const command of kinds.query) {
    const run = await sh(command, app, env);
    t.equal(run.status, 0, `${command}: runs (${run.stderr.slice(0, 200)})`);
    for (const line of run.stdout.split('\n').filter(Boolean)) t.doesNotThrow(() => JSON.parse(line), 'JSON lines');
  }

  // The built CLI's exit codes reach the shell: 1 for a finding, 2 for bad usage.
  const lines = readFileSync(join(app, 'audit/audit.log'), 'utf8').split('\n');
  // The first line a client's request made (gateway events such as the key owner's resolution may come before it).
  const victim = lines.findIndex((line) => line.includes('"clientId":"'));
  writeFileSync(join(work, 'altered.log'), lines.map((line, i) => (i === victim ? line.replace('"clientId":"', '"clientId":"x') : line)).join('\n'));
  const broken = await sh(`vtgw audit verify ${join(work, 'altered.log')}`, app, env);
  t.match(broken.stdout, new RegExp(`^BROKEN: .*altered\\.log:${victim + 1}: hash does not match`), 'an altered line is named');
  t.equal(broken.status, 1, 'exit 1');
  const usage = await sh('vtgw token --id', app, env);
  t.equal(usage.status, 2, 'bad usage: exit 2');
});
