import t from 'tap';
import { main } from '../../src/cli/token.js';
import { parseClientsFile } from '../../src/security/clients-file.js';
import { tokenDigest } from '../../src/security/token.js';
import { runCli } from './fixtures/run-cli.js';

const runTokenCli = (...args: string[]) => runCli(main, args);

t.test('prints a new token once, then an entry for the clients file that matches it', async (t) => {
  const run = await runTokenCli(
    '--id', 'svc-onboarding',
    '--scopes', 'groups:read,groups:write',
    '--groups', 'my_group',
    '--threat-profiles', '*',
    '--reads-per-minute', '600',
    '--writes-per-minute', '60',
  );
  t.equal(run.status, 0, run.stderr);
  const [token = '', entryJson = '', ...rest] = run.stdout.split('\n');
  t.match(token, /^vtgw_[A-Za-z0-9_-]{43}$/, 'token on the first line');
  t.same(rest, [''], 'nothing after the entry');
  t.notOk(run.stderr.includes(token), 'the token is printed only once');

  const entry: unknown = JSON.parse(entryJson);
  t.same(entry, {
    id: 'svc-onboarding',
    tokenSha256: tokenDigest(token),
    scopes: ['groups:read', 'groups:write'],
    groups: ['my_group'],
    threatProfiles: ['*'],
    rateLimit: { readsPerMinute: 600, writesPerMinute: 60 },
  });
  const parsed = parseClientsFile(JSON.stringify({ clients: [entry] }));
  t.ok(parsed.ok, parsed.ok ? 'the entry is a valid clients-file entry' : parsed.error);
});

t.test('without optional flags: no threat profiles, no rate limit; each run mints a new token', async (t) => {
  const first = await runTokenCli('--id', 'svc-a', '--scopes', 'groups:read', '--groups', '');
  const second = await runTokenCli('--id', 'svc-a', '--scopes', 'groups:read', '--groups', '');
  t.equal(first.status, 0, first.stderr);
  const [token = '', entryJson = ''] = first.stdout.split('\n');
  t.same(JSON.parse(entryJson), { id: 'svc-a', tokenSha256: tokenDigest(token), scopes: ['groups:read'], groups: [], threatProfiles: [] });
  t.not(second.stdout.split('\n')[0], token);
});

t.test('bad arguments: one line on stderr, nothing on stdout, exit 2', async (t) => {
  const good = ['--id', 'svc-a', '--scopes', 'groups:read', '--groups', 'g'];
  const cases: Array<[string, string[], RegExp]> = [
    ['no arguments', [], /--id is required/],
    ['missing --scopes', ['--id', 'svc-a', '--groups', 'g'], /--scopes is required/],
    ['missing --groups', ['--id', 'svc-a', '--scopes', 'groups:read'], /--groups is required/],
    ['bad id', [...good, '--id', 'Svc A'], /--id: must match/],
    ['unknown scope', [...good, '--scopes', 'groups:read,groups:delete'], /--scopes: unknown scope "groups:delete"/],
    ['"*" with a group', [...good, '--groups', '*,g'], /--groups: "\*" must be the only entry/],
    ['non-numeric rate', [...good, '--reads-per-minute', 'lots'], /--reads-per-minute: must be a whole number/],
    ['zero rate', [...good, '--writes-per-minute', '0'], /--writes-per-minute: must be a whole number from 1/],
    ['unknown option', [...good, '--admin'], /Unknown option '--admin'/],
    ['stray argument', [...good, 'extra'], /Unexpected argument 'extra'/],
    ['option without value', [...good, '--id'], /'--id <value>' argument missing/],
  ];
  for (const [name, args, expected] of cases) {
    const run = await runTokenCli(...args);
    t.equal(run.status, 2, `${name}: exit 2`);
    t.match(run.stderr, expected, name);
    t.match(run.stderr, /^token: [^\n]+\n$/, `${name}: one line`);
    t.equal(run.stdout, '', `${name}: no token printed`);
  }
});

t.test('--help: the usage on stdout, exit 0, no token', async (t) => {
  const run = await runTokenCli('--help');
  t.equal(run.status, 0);
  t.match(run.stdout, /^usage: vtgw token --id ID --scopes /);
  t.notMatch(run.stdout, /vtgw_/);
  t.equal(run.stderr, '');
});
