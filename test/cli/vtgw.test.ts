import t from 'tap';
import { main } from '../../src/cli/vtgw.js';
import { runCli } from './fixtures/run-cli.js';

const vtgw = (...args: string[]) => runCli(main, args);

t.test('subcommands get the arguments after their own words', async (t) => {
  const minted = await vtgw('token', '--id', 'svc-a', '--scopes', 'groups:read', '--groups', 'g');
  t.equal(minted.status, 0, minted.stderr);
  t.match(minted.stdout, /^vtgw_\S+\n\{"id":"svc-a",/);

  const verify = await vtgw('audit', 'verify', '--frobnicate');
  t.equal(verify.status, 2);
  t.match(verify.stderr, /^Unknown option '--frobnicate'\nusage: vtgw audit verify /);
});

t.test('exit codes pass through: a finding is 1', async (t) => {
  const dir = t.testdir({ 'audit.log': 'not a chain\n' });
  const run = await vtgw('audit', 'verify', `${dir}/audit.log`);
  t.match(run.stdout, /^BROKEN: .*audit\.log:1: /);
  t.equal(run.status, 1);
});

t.test('no command, an unknown one, or half of one: the list of commands on stderr, exit 2', async (t) => {
  for (const args of [[], ['tokens'], ['audit'], ['audit', 'check', 'x.log'], ['--token']]) {
    const run = await vtgw(...args);
    t.equal(run.status, 2, `exit 2 for ${JSON.stringify(args)}`);
    t.match(run.stderr, /\nusage: vtgw <command> \[options\]/);
    t.match(run.stderr, /\n {2}token {10}mint a client token/);
    t.match(run.stderr, /\n {2}audit verify {3}check an audit log's hash chain/);
    t.equal(run.stdout, '');
  }
});

t.test('--help: the list of commands on stdout, exit 0', async (t) => {
  for (const flag of ['--help', '-h']) {
    const run = await vtgw(flag);
    t.equal(run.status, 0);
    t.match(run.stdout, /^usage: vtgw <command> \[options\][^]*\n {2}audit verify /);
    t.equal(run.stderr, '');
  }
});
