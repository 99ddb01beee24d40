// No Docker engine runs here, so the image is checked by replaying the Dockerfile: each stage gets a fresh
// directory standing for its root filesystem, its COPY and RUN steps are carried out there (apt-get is only
// recorded), and the runtime stage's ENTRYPOINT/CMD is then started with the environment, secrets and mounts of
// docker-compose.yml's demo profile mapped onto temporary directories, next to the simulator started by the
// compose file's own command. A RUN step the replay does not know fails the test rather than being skipped.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, sep } from 'node:path';
import t from 'tap';
import { freePort, startRedis } from '../helpers/redis.js';
import {
  activeServices,
  allOf,
  argv,
  composeUnescape,
  dockerignoreMatcher,
  exposedPorts,
  lastOf,
  parseCompose,
  parseDockerfile,
  readRepoFile,
  repoRoot,
  serviceEnv,
  serviceMounts,
  serviceSecrets,
  shellWords,
  stageEnv,
  tmpfsTargets,
  volumes,
  type ComposeService,
  type Instruction,
  type Stage,
} from './fixtures/container-files.js';

// Building twice with npm ci takes a minute or two on a warm npm cache; the file-wide default is 120 s.
t.setTimeout(600_000);

const stages = parseDockerfile(readRepoFile('Dockerfile'));
const compose = parseCompose(readRepoFile('docker-compose.yml'));
const ignored = dockerignoreMatcher(readRepoFile('.dockerignore'));
const buildStage = stages[0] as Stage;
const runtimeStage = stages.at(-1) as Stage;
const TINI = ['/usr/bin/tini', '--'];

function runSteps(stage: Stage): string[] {
  return allOf(stage, 'RUN').flatMap((ins) => splitAnd(ins.json?.join(' ') ?? ins.args));
}

function splitAnd(script: string): string[] {
  return script.split('&&').map((part) => part.trim());
}

function aptInstalled(stage: Stage): string[] {
  return runSteps(stage)
    .filter((step) => /^apt-get\s+install\b/.test(step))
    .flatMap((step) => shellWords(step).slice(2).filter((w) => !w.startsWith('-')));
}

t.test('the Dockerfile has the shape the deployment relies on', async (t) => {
  t.ok(stages.length >= 2, 'multi-stage');
  for (const stage of stages) t.equal(stage.base, 'node:24-bookworm-slim', `stage ${stage.name ?? '?'} is on node:24-bookworm-slim (Node 24 LTS)`);
  const major = Number(process.versions.node.split('.')[0]);
  // CI runs on Node 24 like the image; a developer machine may still have Node 20, which the code keeps supporting.
  if (major !== 24) t.comment(`replayed on Node ${major}; the image runs Node 24`);
  t.ok(
    runSteps(buildStage).some((s) => /^npm ci\b/.test(s)) && runSteps(buildStage).includes('npm run build'),
    'the build stage installs with npm ci and runs npm run build',
  );
  t.ok(
    runSteps(runtimeStage).some((s) => /^npm ci\b/.test(s) && shellWords(s).includes('--omit=dev')),
    'the runtime stage installs production dependencies with npm ci --omit=dev',
  );
  t.ok(aptInstalled(runtimeStage).includes('tini'), 'tini is installed by an apt-get step of the runtime stage');
  t.ok(
    runSteps(runtimeStage).some((s) => /^rm -rf \/var\/lib\/apt\/lists\/\*$/.test(s)),
    'apt lists are removed in the same layer',
  );
  t.same(lastOf(runtimeStage, 'ENTRYPOINT')?.json, TINI, 'ENTRYPOINT is tini, in exec form');
  const npmStart = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  t.same(lastOf(runtimeStage, 'CMD')?.json, npmStart.split(' '), 'CMD starts the gateway as `npm start` does, in exec form');

  const user = lastOf(runtimeStage, 'USER')?.args ?? 'root';
  t.notOk(/^(root|0)(:|$)/.test(user), `runs as a non-root user (${user})`);
  const userIndex = runtimeStage.instructions.findIndex((i) => i.keyword === 'USER');
  t.ok(
    runtimeStage.instructions.slice(userIndex).every((i) => i.keyword !== 'RUN' && i.keyword !== 'COPY'),
    'nothing is installed or copied after USER (so it would all be root-owned and read-only to the user)',
  );

  for (const port of [8080, 9090, 9464]) t.ok(exposedPorts(runtimeStage).includes(port), `EXPOSE ${port}`);
  const env = stageEnv(runtimeStage);
  t.same([env.PORT, env.MCP_PORT, env.METRICS_PORT], ['8080', '9090', '9464'], 'the ports the app listens on are the ones exposed');

  const auditPath = env.AUDIT_LOG_PATH ?? '';
  t.ok(auditPath.startsWith('/'), `AUDIT_LOG_PATH is absolute (${auditPath}), not ./audit under the read-only /app`);
  t.ok(
    volumes(runtimeStage).some((v) => posix.dirname(auditPath) === v || posix.dirname(auditPath).startsWith(`${v}/`)),
    'the audit log lives on a VOLUME',
  );
  const uid = user.split(':')[0] ?? '';
  t.ok(
    runSteps(runtimeStage).some((s) => {
      const words = shellWords(s);
      return words[0] === 'chown' && (words.at(-2) ?? '').split(':')[0] === uid && auditPath.startsWith(`${words.at(-1) ?? '?'}/`);
    }),
    'the audit directory is chowned to the runtime user, so a fresh named volume is writable for it',
  );

  const health = lastOf(runtimeStage, 'HEALTHCHECK');
  t.ok(health?.json !== undefined, 'HEALTHCHECK CMD is in exec form (valid JSON), so it needs no shell');
  t.equal(health?.json?.[0], 'node', 'the healthcheck uses node (no curl in the slim image)');
  t.match(health?.json?.join(' ') ?? '', /\/healthz/, 'the healthcheck asks /healthz');
  for (const flag of ['interval', 'timeout', 'start-period', 'retries']) t.ok(health?.flags[flag], `HEALTHCHECK --${flag}`);
});

t.test('.dockerignore keeps secrets and local state out of the build context', async (t) => {
  const secretFiles = Object.values(compose.secrets ?? {}).flatMap((s) => (s.file === undefined ? [] : [s.file]));
  const bindSources = Object.values(compose.services).flatMap((s) =>
    serviceMounts(s)
      .filter((m) => m.type === 'bind')
      .map((m) => `${m.source}/clients.json`),
  );
  t.ok(secretFiles.length > 0, 'compose names its secret files');
  const mustStayOut = [
    ...secretFiles,
    ...bindSources,
    '.env',
    '.git/HEAD',
    'node_modules/fastify/package.json',
    'dist/server.js',
    'audit/audit.log',
    'test/core/routes.test.ts',
    'scratch/q.mts',
    '.tap/report.json',
  ];
  for (const path of mustStayOut) t.ok(ignored(posix.normalize(path)), `${path} is not sent to the builder`);
  for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src/server.ts', 'src/simulator/main.ts']) {
    t.notOk(ignored(path), `${path} is in the build context`);
  }
});

// ---- the replay ------------------------------------------------------------------------------------------------

interface StageFs {
  name: string | undefined;
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string;
}

/** The image's default PATH, with this machine's node (and npm) first; node_modules/.bin of the repo stays out. */
const PATH = [dirname(process.execPath), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');

function hostPath(stage: StageFs, containerPath: string): string {
  return join(stage.root, posix.resolve(stage.workdir, containerPath));
}

function contextPath(source: string): string {
  const rel = posix.normalize(source).replace(/^\/+/, '').replace(/\/+$/, '');
  if (rel.startsWith('..')) throw new Error(`COPY ${source}: outside the build context`);
  return rel === '' || rel === '.' ? '' : rel;
}

async function run(cmd: string, args: string[], opts: { cwd: string; env: Record<string, string> }): Promise<string> {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${String(code)}:\n${output}`);
  return output;
}

/** `fromStage`: the stage named by `--from`, already built. */
function copy(stage: StageFs, ins: Instruction, fromStage: StageFs | undefined): void {
  const words = ins.json ?? shellWords(ins.args);
  const dest = words.at(-1) as string;
  const sources = words.slice(0, -1);
  const destIsDir = dest.endsWith('/') || sources.length > 1;
  for (const source of sources) {
    if (/[*?[]/.test(source)) throw new Error(`Dockerfile:${ins.line}: the replay does not expand wildcards (${source})`);
    let from: string;
    let filter = (_src: string): boolean => true;
    if (fromStage !== undefined) {
      from = join(fromStage.root, posix.resolve('/', source));
    } else {
      const rel = contextPath(source);
      if (rel !== '' && ignored(rel)) throw new Error(`Dockerfile:${ins.line}: ${source} is excluded by .dockerignore`);
      from = join(repoRoot, rel);
      filter = (src) => {
        const r = relative(repoRoot, src).split(sep).join('/');
        return r === '' || !ignored(r);
      };
    }
    if (!existsSync(from)) throw new Error(`Dockerfile:${ins.line}: COPY ${source}: not found`);
    const target = hostPath(stage, dest);
    const to = statSync(from).isDirectory() || !(destIsDir || existsSync(target)) ? target : join(target, posix.basename(source));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to, { recursive: true, filter, preserveTimestamps: true });
  }
}

/** Whether the repository's node_modules holds exactly what `npm ci` would install from `dir`'s lockfile. */
function sameTreeAsRepo(dir: string): boolean {
  type Lock = { packages: Record<string, { version?: string; optional?: boolean }> };
  const installedPath = join(repoRoot, 'node_modules/.package-lock.json');
  if (!existsSync(installedPath) || !existsSync(join(dir, 'package-lock.json'))) return false;
  const wanted = (JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as Lock).packages;
  const installed = (JSON.parse(readFileSync(installedPath, 'utf8')) as Lock).packages;
  const required = Object.entries(wanted).filter(([path, p]) => path !== '' && p.optional !== true);
  return (
    required.every(([path, p]) => installed[path]?.version === p.version) &&
    Object.keys(installed).every((path) => wanted[path] !== undefined)
  );
}

/** One `&&`-separated step of a RUN: the commands this Dockerfile uses, and nothing else. */
async function runStep(stage: StageFs, step: string, line: number, log: string[]): Promise<void> {
  const words = shellWords(step);
  const [cmd, sub] = words;
  const env = { PATH, HOME: process.env.HOME ?? '/root', ...stage.env };
  const cwd = hostPath(stage, stage.workdir);
  if (cmd === 'apt-get' || /^rm -rf \/var\/lib\/apt\/lists\/\*$/.test(step)) {
    log.push(`skipped (apt): ${step}`);
  } else if (cmd === 'npm' && sub === 'ci' && !words.some((w) => w.startsWith('--omit')) && sameTreeAsRepo(cwd)) {
    // The full install is the one `.ci/run` (and every checkout) already made from this very lockfile; the
    // repository's tree is linked in rather than the same ~700 packages extracted again.
    symlinkSync(join(repoRoot, 'node_modules'), join(cwd, 'node_modules'));
    log.push(`linked the repository's node_modules, installed from the same lockfile, for: ${step}`);
  } else if (cmd === 'npm' && sub === 'ci') {
    // --prefer-offline: served from the npm cache the repository's own install filled.
    const args = [...words.slice(1), ...['--prefer-offline', '--no-audit', '--no-fund'].filter((f) => !words.includes(f))];
    await run('npm', args, { cwd, env });
    log.push(`ran: npm ${args.join(' ')}`);
  } else if (cmd === 'npm' && sub === 'run' && words.length === 3) {
    await run('npm', words.slice(1), { cwd, env });
    log.push(`ran: ${step}`);
  } else if (cmd === 'mkdir' && sub === '-p') {
    for (const dir of words.slice(2)) mkdirSync(hostPath(stage, dir), { recursive: true });
    log.push(`ran: ${step}`);
  } else if (cmd === 'ln' && sub === '-s' && words.length === 4) {
    // A symlink inside the image: an absolute target is made relative, so that it stays inside the stage's root.
    const [target = '', link = ''] = words.slice(2);
    const hostLink = hostPath(stage, link);
    const hostTarget = hostPath(stage, target);
    if (!existsSync(hostTarget)) throw new Error(`Dockerfile:${line}: ln -s ${target}: no such file`);
    mkdirSync(dirname(hostLink), { recursive: true });
    symlinkSync(posix.isAbsolute(target) ? relative(dirname(hostLink), hostTarget) : target, hostLink);
    log.push(`ran: ${step}`);
  } else if (cmd === 'chown') {
    for (const path of words.slice(words[1] === '-R' ? 3 : 2)) {
      if (!existsSync(hostPath(stage, path))) throw new Error(`Dockerfile:${line}: chown ${path}: no such file`);
    }
    log.push(`recorded (ownership): ${step}`);
  } else {
    throw new Error(`Dockerfile:${line}: the replay does not know how to run "${step}"; teach test/container/dockerfile-replay.test.ts`);
  }
}

/**
 * Stages are replayed concurrently, as BuildKit builds them: a stage waits for another only at its `COPY --from`.
 * Each step's log line ends with the seconds it took.
 */
async function replay(dir: string): Promise<{ stages: StageFs[]; log: string[] }> {
  const built: Array<Promise<StageFs>> = [];
  const logs: string[][] = stages.map(() => []);
  const earlierStage = (ref: string, index: number, line: number): Promise<StageFs> => {
    const byName = stages.findIndex((s) => s.name === ref);
    const other = byName === -1 ? Number(ref) : byName;
    const stage = Number.isInteger(other) && other < index ? built[other] : undefined;
    if (stage === undefined) throw new Error(`Dockerfile:${line}: no earlier stage ${ref}`);
    return stage;
  };
  for (const [index, stage] of stages.entries()) {
    built.push(replayStage(dir, index, stage, logs[index] ?? [], (ref, line) => earlierStage(ref, index, line)));
  }
  const done = await Promise.all(built);
  return { stages: done, log: logs.flatMap((log, index) => [`stage ${index} (${stages[index]?.name ?? ''}):`, ...log]) };
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function replayStage(
  dir: string,
  index: number,
  stage: Stage,
  log: string[],
  earlierStage: (ref: string, line: number) => Promise<StageFs>,
): Promise<StageFs> {
  const fs: StageFs = { name: stage.name, root: join(dir, `stage-${index}-${stage.name ?? ''}`), workdir: '/', env: {}, user: 'root' };
  mkdirSync(fs.root);
  for (const ins of stage.instructions) {
    let began = Date.now();
    const logged = log.length;
    switch (ins.keyword) {
      case 'FROM':
        // The base image's content is this machine's node and npm (same major version, checked above).
        break;
      case 'WORKDIR':
        fs.workdir = posix.resolve(fs.workdir, ins.args);
        mkdirSync(hostPath(fs, fs.workdir), { recursive: true });
        break;
      case 'COPY': {
        let from: StageFs | undefined;
        if (ins.flags.from !== undefined) {
          from = await earlierStage(ins.flags.from, ins.line);
          log.push(`waited for stage ${ins.flags.from} (${seconds(began)})`);
          began = Date.now();
        }
        copy(fs, ins, from);
        log.push(`copied: ${Object.entries(ins.flags).map(([k, v]) => `--${k}=${v} `).join('')}${ins.args}`);
        break;
      }
      case 'RUN':
        for (const step of splitAnd(ins.json?.join(' ') ?? ins.args)) await runStep(fs, step, ins.line, log);
        break;
      case 'ENV':
        Object.assign(fs.env, stageEnv({ base: '', name: undefined, instructions: [ins] }));
        break;
      case 'USER':
        fs.user = ins.args;
        break;
      case 'EXPOSE':
      case 'VOLUME':
      case 'HEALTHCHECK':
      case 'ENTRYPOINT':
      case 'CMD':
      case 'LABEL':
      case 'STOPSIGNAL':
        break;
      default:
        throw new Error(`Dockerfile:${ins.line}: the replay does not know ${ins.keyword}; teach test/container/dockerfile-replay.test.ts`);
    }
    if (log.length > logged) log[log.length - 1] += ` (${seconds(began)})`;
  }
  return fs;
}

/** Every file and directory under root with what a write would change. */
function snapshot(root: string): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const st = lstatSync(path);
      entries.set(relative(root, path), `${st.mode}:${st.size}:${st.mtimeMs}:${st.ino}`);
      if (st.isDirectory()) walk(path);
    }
  };
  walk(root);
  return entries;
}

function differences(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [path, sig] of after) if (before.get(path) !== sig) changed.push(before.has(path) ? `changed ${path}` : `added ${path}`);
  for (const path of before.keys()) if (!after.has(path)) changed.push(`removed ${path}`);
  return changed;
}

interface Proc {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(cmd: string, args: string[], cwd: string, env: Record<string, string>): Proc {
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function waitFor(url: string, proc: Proc, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${what} exited:\n${proc.output()}`);
    const up = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up:\n${proc.output()}`);
}

/** Runs a healthcheck's argv (`node` is this machine's) and returns its exit code. */
async function healthcheck(args: string[], cwd: string, env: Record<string, string>): Promise<number | null> {
  const [cmd, ...rest] = args;
  const proc = start(cmd === 'node' ? process.execPath : (cmd as string), rest, cwd, env);
  return (await proc.exited).code;
}

function composeHealthcheck(service: ComposeService): string[] {
  const test = argv(service.healthcheck?.test) ?? [];
  if (test[0] === 'CMD') return test.slice(1);
  if (test[0] === 'CMD-SHELL') return ['sh', '-c', test.slice(1).join(' ')];
  throw new Error(`healthcheck test must start with CMD or CMD-SHELL: ${JSON.stringify(test)}`);
}

function isOurImage(service: ComposeService): boolean {
  const context = typeof service.build === 'string' ? service.build : service.build?.context;
  return context === '.' || context === './';
}

t.test('replaying the Dockerfile builds an image that serves, writes only to its volume and stops cleanly', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'vtgw-replay-'));
  const procs: Proc[] = [];
  t.teardown(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    rmSync(work, { recursive: true, force: true });
  });

  const began = Date.now();
  const { stages: built, log } = await replay(work);
  t.comment(`replayed ${stages.length} stages in ${Math.round((Date.now() - began) / 1000)} s:\n  ${log.join('\n  ')}`);
  const runtime = built.at(-1) as StageFs;
  const appDir = hostPath(runtime, runtime.workdir);

  await t.test('the runtime image holds production dependencies and dist only', async (t) => {
    t.same(readdirSync(appDir).sort(), ['dist', 'node_modules', 'package-lock.json', 'package.json'], `${runtime.workdir} holds nothing else`);
    t.ok(existsSync(join(appDir, 'dist/server.js')), 'dist/server.js was copied from the build stage');
    t.ok(existsSync(join(appDir, 'dist/simulator/main.js')), 'the simulator too');
    const vtgw = join(runtime.root, 'usr/local/bin/vtgw');
    t.doesNotThrow(() => accessSync(vtgw, constants.X_OK), 'vtgw is an executable on the image\'s PATH');
    t.equal(realpathSync(vtgw), realpathSync(join(appDir, 'dist/cli/main.js')), 'and it is dist/cli/main.js');
    for (const dev of ['typescript', 'tap', 'tsx', '@types/node', 'fast-check', 'playwright-core', '@stoplight/spectral-cli']) {
      t.notOk(existsSync(join(appDir, 'node_modules', dev)), `dev dependency ${dev} is absent`);
    }
    const lock = JSON.parse(readFileSync(join(appDir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean }> };
    const devOnly = Object.entries(lock.packages).filter(([path, p]) => path !== '' && p.dev === true);
    const present = devOnly.filter(([path]) => existsSync(join(appDir, path))).map(([path]) => path);
    t.ok(devOnly.length > 100, `the lockfile marks ${devOnly.length} dev-only packages`);
    t.same(present, [], 'none of the lockfile’s dev-only packages is installed');
    for (const dep of Object.keys((JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { dependencies: object }).dependencies)) {
      t.ok(existsSync(join(appDir, 'node_modules', dep)), `dependency ${dep} is installed`);
    }
  });

  // ---- the demo profile's gateway and simulator, as compose would start them ----
  const demo = activeServices(compose, 'demo').filter((name) => isOurImage(compose.services[name] as ComposeService));
  const simName = demo.find((name) => (argv(compose.services[name]?.command) ?? []).join(' ').includes('dist/simulator/main.js'));
  const gatewayName = demo.find((name) => compose.services[name]?.command === undefined);
  if (simName === undefined || gatewayName === undefined) throw new Error('the demo profile needs a simulator and a gateway built from .');
  const simService = compose.services[simName] as ComposeService;
  const gatewayService = compose.services[gatewayName] as ComposeService;
  t.equal(gatewayService.entrypoint, undefined, `${gatewayName} keeps the image's ENTRYPOINT`);
  t.equal(simService.entrypoint, undefined, `${simName} keeps the image's ENTRYPOINT (tini)`);

  const key = randomBytes(12).toString('hex');
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const simPort = await freePort();
  const addresses: Record<string, Record<number, string>> = {
    [simName]: { [Number(serviceEnv(simService).SIM_PORT ?? 8081)]: `127.0.0.1:${simPort}` },
  };
  for (const name of activeServices(compose, 'demo').filter((n) => /^redis(:|$)/.test(compose.services[n]?.image ?? ''))) {
    addresses[name] = { 6379: `127.0.0.1:${redis.port}` };
  }

  /** Container paths of a service mapped onto temporary directories: secrets, mounts, tmpfs; the rest is the image. */
  function containerFs(name: string, service: ComposeService) {
    const mounts: Array<{ target: string; host: string }> = [];
    for (const secret of serviceSecrets(service)) {
      const file = join(work, 'secrets', secret);
      mkdirSync(dirname(file), { recursive: true });
      // Each secret its own value (so a gateway and a simulator on different secrets disagree, as they would),
      // with the trailing newline `openssl rand -hex 24 > file` leaves.
      writeFileSync(file, `${secret}-${key}\n`);
      mounts.push({ target: `/run/secrets/${secret}`, host: file });
    }
    for (const m of serviceMounts(service)) {
      const host = join(work, m.type === 'bind' ? `bind-${m.source.replace(/[^a-z0-9]+/gi, '_')}` : `volume-${m.source || name}`);
      mkdirSync(host, { recursive: true });
      mounts.push({ target: m.target, host });
    }
    for (const target of tmpfsTargets(service)) {
      const host = join(work, `tmpfs-${name}${target.replace(/\//g, '_')}`);
      mkdirSync(host, { recursive: true });
      mounts.push({ target, host });
    }
    mounts.sort((a, b) => b.target.length - a.target.length);
    const toHost = (path: string): string => {
      const m = mounts.find((x) => path === x.target || path.startsWith(`${x.target}/`));
      return m === undefined ? join(runtime.root, path) : m.host + path.slice(m.target.length);
    };
    const mapValue = (value: string): string => {
      if (value.startsWith('/')) return toHost(value);
      if (!/^[a-z]+:\/\//.test(value)) return value;
      const url = new URL(value);
      const byPort = addresses[url.hostname];
      if (byPort === undefined) return value;
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      const mapped = byPort[port];
      if (mapped === undefined) throw new Error(`${value}: ${url.hostname} does not listen on ${port} here`);
      return value.replace(`${url.hostname}${url.port === '' ? '' : `:${url.port}`}`, mapped);
    };
    // One pass, longest target first, each only where a path starts and ends (so a mapped path is not mapped again).
    const escaped = mounts.map((m) => m.target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const inText = new RegExp(`(?<![\\w./-])(${escaped.join('|')})(?![\\w.-])`, 'g');
    const mapText = (text: string): string => text.replace(inText, (target) => mounts.find((m) => m.target === target)?.host ?? target);
    // What the container's process sees: the image's ENV, then compose's environment; HOME is the read-only
    // image's, /tmp its tmpfs.
    const env: Record<string, string> = { PATH, HOME: join(runtime.root, 'home/node'), ...runtime.env };
    for (const [k, v] of Object.entries(serviceEnv(service))) env[k] = mapValue(v);
    const tmp = mounts.find((m) => m.target === '/tmp');
    if (tmp !== undefined) env.TMPDIR = tmp.host;
    return { env, toHost, mapText, mounts };
  }

  mkdirSync(join(runtime.root, 'home/node'), { recursive: true }); // the base image's home of uid 1000
  const before = snapshot(runtime.root);

  // The simulator, by the compose file's own command (sh -c ... exec node dist/simulator/main.js), tini left out.
  const simFs = containerFs(simName, simService);
  const simArgv = (argv(simService.command) ?? []).map((a) => simFs.mapText(composeUnescape(a)));
  const sim = start(simArgv[0] as string, simArgv.slice(1), appDir, { ...simFs.env, SIM_HOST: '127.0.0.1', SIM_PORT: String(simPort) });
  procs.push(sim);
  await waitFor(`http://127.0.0.1:${simPort}/_simulator/stats`, sim, 'the simulator');
  t.equal(await healthcheck(composeHealthcheck(simService), appDir, { ...simFs.env, SIM_PORT: String(simPort) }), 0, `${simName}'s compose healthcheck passes`);

  // A client minted by the image's own `vtgw token` (found on the image's PATH), in the clients file the gateway reads.
  const gwFs = containerFs(gatewayName, gatewayService);
  const minted = await run('vtgw', ['token', '--id', 'replay-client', '--scopes', 'groups:read', '--groups', 'my_group_id'], {
    cwd: appDir,
    env: { PATH: `${join(runtime.root, 'usr/local/bin')}:${PATH}`, HOME: join(runtime.root, 'home/node') },
  });
  const [token = '', entry = ''] = minted.split('\n');
  t.match(token, /^vtgw_/, 'the token CLI mints a token');
  const clientsFile = gwFs.env.GATEWAY_CLIENTS_FILE;
  if (clientsFile === undefined || !clientsFile.startsWith(work)) throw new Error(`GATEWAY_CLIENTS_FILE must be on a mount, got ${String(clientsFile)}`);
  writeFileSync(clientsFile, JSON.stringify({ clients: [JSON.parse(entry)] }));

  // The gateway: ENTRYPOINT + CMD without tini, on free loopback ports.
  const command = [...(lastOf(runtimeStage, 'ENTRYPOINT')?.json ?? []), ...(lastOf(runtimeStage, 'CMD')?.json ?? [])];
  t.same(command.slice(0, TINI.length), TINI, 'the container command starts with tini');
  const [program, ...programArgs] = command.slice(TINI.length);
  t.equal(program, 'node', 'and runs node');
  const [port, mcpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const gwEnv: Record<string, string> = { ...gwFs.env, HOST: '127.0.0.1', PORT: String(port), MCP_PORT: String(mcpPort), METRICS_PORT: String(metricsPort) };
  // This machine may talk to loopback only: a demo gateway aimed anywhere but the simulator is stopped here.
  const upstream = new URL(gwEnv.VT_API_BASE_URL ?? 'https://unset.invalid');
  if (upstream.hostname !== '127.0.0.1') throw new Error(`${gatewayName}'s VT_API_BASE_URL does not lead to the simulator: ${gwEnv.VT_API_BASE_URL}`);
  t.equal(upstream.port, String(simPort), `${gatewayName} talks to the simulator`);
  t.equal(gwEnv.VIRUSTOTAL_API_KEY, undefined, 'the key is not in the environment');
  t.ok(gwEnv.VIRUSTOTAL_API_KEY_FILE?.startsWith(join(work, 'secrets')), 'the key comes from a secret file');
  const gateway = start(process.execPath, programArgs, appDir, gwEnv);
  procs.push(gateway);
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/healthz`, gateway, 'the gateway');

  const imageCheck = lastOf(runtimeStage, 'HEALTHCHECK')?.json ?? [];
  t.equal(await healthcheck(imageCheck, appDir, gwEnv), 0, "the image's HEALTHCHECK passes");
  t.equal(await healthcheck(composeHealthcheck(gatewayService), appDir, gwEnv), 0, `${gatewayName}'s compose healthcheck passes`);

  const ready = await fetch(`${base}/readyz`);
  t.equal(ready.status, 200, `ready (Redis at REDIS_URL reached, audit log writable): ${await ready.text()}`);

  const unauthenticated = await fetch(`${base}/v1/groups/my_group_id`);
  await unauthenticated.arrayBuffer();
  t.equal(unauthenticated.status, 401, 'no token: 401');
  const res = await fetch(`${base}/v1/groups/my_group_id`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { data?: { id?: string } };
  t.equal(res.status, 200, `a /v1 call with the minted token goes through: ${JSON.stringify(body).slice(0, 300)}`);
  t.equal(body.data?.id, 'my_group_id', "the simulator's group came back");
  const stats = (await (await fetch(`http://127.0.0.1:${simPort}/_simulator/stats`)).json()) as { requests: number };
  t.ok(stats.requests >= 1, 'the simulator accepted the key from the shared secret');

  const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  t.equal(metrics.status, 200, 'metrics are served on METRICS_PORT');
  t.match(await metrics.text(), /\n?# (HELP|TYPE) /);
  const mcp = await fetch(`http://127.0.0.1:${mcpPort}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  await mcp.arrayBuffer();
  t.equal(mcp.status, 401, 'MCP listens on MCP_PORT and wants a token');

  const auditFile = gwEnv.AUDIT_LOG_PATH ?? ''; // already mapped onto this machine
  t.ok(
    gwFs.mounts.some((m) => auditFile.startsWith(`${m.host}/`) && m.host.includes('volume-')),
    'AUDIT_LOG_PATH is on the named audit volume',
  );
  t.match(existsSync(auditFile) ? readFileSync(auditFile, 'utf8') : '', /replay-client/, 'the call was audited on the volume');

  // SIGTERM (what tini passes on from `docker stop`): drain, exit 0.
  gateway.child.kill('SIGTERM');
  const gone = await gateway.exited;
  if (!t.same(gone, { code: 0, signal: null }, 'the gateway exits 0 on SIGTERM')) t.comment(gateway.output().slice(-4000));
  t.not(await healthcheck(imageCheck, appDir, gwEnv), 0, 'with the gateway gone the HEALTHCHECK fails');
  sim.child.kill('SIGTERM');
  t.same(await sim.exited, { code: 0, signal: null }, 'the simulator exits 0 on SIGTERM (the wrapper execs node, so node gets it)');

  const changed = differences(before, snapshot(runtime.root));
  t.same(changed, [], 'nothing outside the volumes and tmpfs was written (the root filesystem can be read-only)');
});
