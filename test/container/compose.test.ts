// docker-compose.yml, checked structurally (no Docker engine here): what `docker compose --profile prod|demo up`
// would start and how it is wired. dockerfile-replay.test.ts runs the demo profile's gateway and simulator.
import { posix } from 'node:path';
import t from 'tap';
import { settings } from '../../src/config.js';
import {
  activeServices,
  argv,
  composeUnescape,
  exposedPorts,
  parseCompose,
  parseDockerfile,
  readRepoFile,
  serviceEnv,
  serviceMounts,
  servicePorts,
  serviceSecrets,
  stageEnv,
  tmpfsTargets,
  volumes,
  type ComposeService,
} from './fixtures/container-files.js';

const text = readRepoFile('docker-compose.yml');
const compose = parseCompose(text);
const runtimeStage = parseDockerfile(readRepoFile('Dockerfile')).at(-1);
if (runtimeStage === undefined) throw new Error('Dockerfile has no stage');
const imageEnv = stageEnv(runtimeStage);
const REAL_VIRUSTOTAL = settings.vtApiBaseUrl.default;

function builtHere(service: ComposeService): boolean {
  const context = typeof service.build === 'string' ? service.build : service.build?.context;
  return context === '.' || context === './';
}

const isSimulator = (s: ComposeService): boolean => builtHere(s) && (argv(s.command) ?? []).join(' ').includes('dist/simulator/main.js');
const isGateway = (s: ComposeService): boolean => builtHere(s) && s.command === undefined && s.entrypoint === undefined;
const isRedis = (s: ComposeService): boolean => /^redis(:|$)/.test(s.image ?? '');
const svc = (name: string): ComposeService => compose.services[name] as ComposeService;

function dependsOn(service: ComposeService): Record<string, string | undefined> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d.condition]));
}

function networksOf(service: ComposeService): string[] {
  const networks = service.networks;
  if (networks === undefined) return ['default'];
  return Array.isArray(networks) ? networks : Object.keys(networks);
}

/** Env the container sees: the image's ENV overlaid with compose's. */
function containerEnv(service: ComposeService): Record<string, string> {
  return { ...imageEnv, ...serviceEnv(service) };
}

function durationSeconds(value: string | undefined): number {
  const m = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(value ?? '');
  if (value === undefined || m === null) return 10; // compose's default stop timeout
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
}

t.test('the file documents its use in a header comment', async (t) => {
  const header = text.split('\n').filter((_, i, lines) => lines.slice(0, i + 1).every((l) => l.startsWith('#') || l.trim() === '')).join('\n');
  t.ok(header.split('\n').length >= 10, 'a header comment of some length opens the file');
  t.match(header, /docker compose --profile demo up/, 'how to run the demo');
  t.match(header, /docker compose --profile prod up/, 'how to run against VirusTotal');
  for (const secret of Object.values(compose.secrets ?? {})) t.match(header, secret.file?.replace(/^\.\//, '') ?? '?', `names the secret file ${secret.file}`);
  t.match(header, /vtgw token/, 'how to mint a client');
  t.match(header, /vtgw audit verify/, 'how to check an audit log');
  t.match(header, /clients\.json/, 'where the clients file goes');
});

t.test('no key is written in the file', async (t) => {
  t.notMatch(text, /VIRUSTOTAL_API_KEY\s*[:=]/, 'VIRUSTOTAL_API_KEY is never set (only VIRUSTOTAL_API_KEY_FILE)');
  t.notMatch(text, /SIM_API_KEY\s*:/, 'SIM_API_KEY is never in an environment map');
  t.notMatch(text, /SIM_API_KEY=(?!\\?"\$\$\(cat \/run\/secrets\/)/, 'SIM_API_KEY is only ever assigned from a secret file');
  for (const [name, s] of Object.entries(compose.services)) {
    const env = serviceEnv(s);
    t.ok(env.VIRUSTOTAL_API_KEY === undefined && env.SIM_API_KEY === undefined, `${name}: no key in environment`);
  }
  t.notMatch(text, /\b[0-9a-f]{64}\b/i, 'nothing that looks like a VirusTotal API key (64 hex digits)');
  for (const [name, secret] of Object.entries(compose.secrets ?? {})) {
    t.ok(typeof secret.file === 'string' && secret.external !== true, `secret ${name} is read from a file`);
  }
});

for (const profile of ['prod', 'demo']) {
  t.test(`docker compose --profile ${profile} up`, async (t) => {
    const active = activeServices(compose, profile);
    const gateways = active.filter((n) => isGateway(svc(n)));
    const redises = active.filter((n) => isRedis(svc(n)));
    const simulators = active.filter((n) => isSimulator(svc(n)));
    t.equal(gateways.length, 2, `two gateway replicas (${gateways.join(', ')})`);
    t.equal(redises.length, 1, 'one Redis');
    t.equal(simulators.length, profile === 'demo' ? 1 : 0, profile === 'demo' ? 'the simulator runs' : 'no simulator');
    const redis = redises[0] ?? '?';
    const simulator = simulators[0];

    const published = new Set<string>();
    const auditVolumes = new Set<string>();
    for (const name of gateways) {
      const s = svc(name);
      const env = containerEnv(s);
      await t.test(name, async (t) => {
        // ports
        const ports = servicePorts(s);
        for (const target of [Number(env.PORT), Number(env.MCP_PORT)]) {
          const mapping = ports.find((p) => p.target === target);
          t.ok(mapping !== undefined && mapping.published > 0, `container port ${target} is published`);
          if (mapping !== undefined) {
            const key = `${mapping.hostIp}:${mapping.published}`;
            t.notOk(published.has(key), `host port ${key} is its own`);
            published.add(key);
          }
        }
        t.same([env.PORT, env.MCP_PORT, env.METRICS_PORT], ['8080', '9090', '9464'], 'REST 8080, MCP 9090, metrics 9464');
        for (const p of ports) t.ok(exposedPorts(runtimeStage).includes(p.target), `port ${p.target} is one the image EXPOSEs`);
        t.notOk(ports.some((p) => p.target === Number(env.METRICS_PORT)), 'metrics stay on the compose network');
        if (profile === 'demo') t.ok(ports.every((p) => p.hostIp === '127.0.0.1'), 'the demo publishes on 127.0.0.1 only');

        // the key
        const secrets = serviceSecrets(s);
        t.equal(secrets.length, 1, 'one secret');
        t.equal(env.VIRUSTOTAL_API_KEY, undefined, 'no VIRUSTOTAL_API_KEY in the environment');
        t.equal(env.VIRUSTOTAL_API_KEY_FILE, `/run/secrets/${secrets[0] ?? '?'}`, 'VIRUSTOTAL_API_KEY_FILE names the secret');
        t.ok(compose.secrets?.[secrets[0] ?? '']?.file, 'the secret is declared with a file');

        // the upstream
        if (profile === 'prod') {
          t.ok(env.VT_API_BASE_URL === undefined || env.VT_API_BASE_URL === REAL_VIRUSTOTAL, 'talks to the real VirusTotal');
          t.equal(secrets[0], 'virustotal_api_key', 'with the real key');
        } else {
          const url = new URL(env.VT_API_BASE_URL ?? 'http://absent');
          t.equal(url.hostname, simulator, 'VT_API_BASE_URL points at the simulator service');
          t.equal(url.port, serviceEnv(svc(simulator ?? '')).SIM_PORT, "on the simulator's SIM_PORT");
          t.equal(url.pathname, '/api/v3', 'under /api/v3');
          t.ok(serviceSecrets(svc(simulator ?? '')).includes(secrets[0] ?? '?'), 'the simulator has the same secret, so it accepts the key');
          t.not(secrets[0], 'virustotal_api_key', 'the real key never goes to the simulator');
        }

        // Redis
        const redisUrl = new URL(env.REDIS_URL ?? 'redis://absent');
        t.equal(redisUrl.protocol, 'redis:', 'REDIS_URL is set');
        t.equal(redisUrl.hostname, redis, 'REDIS_URL points at the redis service');
        t.equal(redisUrl.port || '6379', '6379');
        t.ok(networksOf(svc(redis)).every((n) => networksOf(s).includes(n)), 'on a network with Redis');

        // audit volume and clients file
        const mounts = serviceMounts(s);
        const auditDir = posix.dirname(env.AUDIT_LOG_PATH ?? '');
        const audit = mounts.find((m) => m.target === auditDir);
        t.equal(audit?.type, 'volume', `a named volume is mounted at the audit directory ${auditDir}`);
        t.ok(audit !== undefined && audit.source in (compose.volumes ?? {}), 'declared under volumes:');
        t.ok(volumes(runtimeStage).includes(auditDir), 'the same directory the image declares as a VOLUME');
        if (audit !== undefined) {
          t.notOk(auditVolumes.has(audit.source), `its own audit volume ${audit.source}`);
          auditVolumes.add(audit.source);
        }
        const clients = env.GATEWAY_CLIENTS_FILE ?? '';
        const clientsMount = mounts.find((m) => clients.startsWith(`${m.target}/`) || clients === m.target);
        t.equal(clientsMount?.type, 'bind', `GATEWAY_CLIENTS_FILE ${clients} is on a bind mount`);
        t.equal(clientsMount?.readOnly, true, 'mounted read-only');

        // read-only root filesystem, healthcheck, dependencies, shutdown
        t.equal(s.read_only, true, 'read_only: true');
        t.ok(tmpfsTargets(s).includes('/tmp'), 'a tmpfs at /tmp');
        const health = argv(s.healthcheck?.test) ?? [];
        t.equal(health[0], 'CMD', 'a healthcheck in exec form');
        t.match(health.join(' '), /\/healthz/, 'asking /healthz');
        t.match(health.join(' '), /process\.env\.PORT/, 'on the port the gateway listens on');
        const deps = dependsOn(s);
        t.equal(deps[redis], 'service_healthy', 'starts once Redis is healthy');
        if (simulator !== undefined) t.equal(deps[simulator], 'service_healthy', 'and the simulator');
        t.ok(
          durationSeconds(s.stop_grace_period) * 1000 > Number(env.SHUTDOWN_GRACE_MS ?? settings.shutdownGraceMs.default),
          'stop_grace_period outlasts SHUTDOWN_GRACE_MS, so in-flight requests drain before a SIGKILL',
        );
        t.same(s.cap_drop, ['ALL'], 'no capabilities');
        t.ok(s.security_opt?.includes('no-new-privileges:true'), 'no-new-privileges');
        t.equal(s.user, undefined, "runs as the image's non-root user");
      });
    }

    await t.test(redis, async (t) => {
      const s = svc(redis);
      const health = argv(s.healthcheck?.test) ?? [];
      t.same(health.slice(0, 3), ['CMD', 'redis-cli', 'ping'], 'healthcheck: redis-cli ping');
      t.same(s.ports ?? [], [], 'not published on the host');
      for (const n of networksOf(s)) t.equal(compose.networks?.[n]?.internal, true, `only on the internal network ${n}`);
    });

    if (simulator !== undefined) {
      await t.test(simulator, async (t) => {
        const s = svc(simulator);
        t.same(s.profiles, ['demo'], 'only in the demo profile');
        const env = serviceEnv(s);
        t.equal(env.SIM_HOST, '0.0.0.0', 'SIM_HOST=0.0.0.0, so the gateways can reach it');
        const command = (argv(s.command) ?? []).map(composeUnescape);
        const secret = serviceSecrets(s)[0] ?? '?';
        t.equal(command[0], 'sh', 'a shell wrapper');
        t.match(command.join(' '), `SIM_API_KEY="$(cat /run/secrets/${secret})"`, 'reads SIM_API_KEY from the secret');
        t.match(command.join(' '), /exec node dist\/simulator\/main\.js/, 'and execs node, which then gets the signals');
        t.match(argv(s.healthcheck?.test)?.join(' ') ?? '', /_simulator\/stats/, "its own healthcheck (the image's asks the gateway's /healthz)");
        t.equal(s.read_only, true, 'read_only: true');
        t.same(s.ports ?? [], [], 'not published on the host');
      });
    }
  });
}

t.test('a bare `docker compose up` starts no gateway: the profile decides where the key goes', async (t) => {
  t.same(activeServices(compose, undefined).filter((n) => isGateway(svc(n))), []);
});

t.test('every service built here is the same image', async (t) => {
  const built = Object.entries(compose.services).filter(([, s]) => builtHere(s));
  t.ok(built.length >= 5, 'the gateways and the simulator');
  t.same(new Set(built.map(([, s]) => s.image)).size, 1, 'one image name, so one build serves all');
});
