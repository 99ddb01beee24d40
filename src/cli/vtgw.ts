// `vtgw <command> ...`: the operator's commands, one table, each with its own `main(argv, io)`.
import { main as auditExport } from './audit-export.js';
import { main as auditKeygen } from './audit-keygen.js';
import { main as auditQuery } from './audit-query.js';
import { main as auditVerify } from './audit-verify.js';
import { EXIT_OK, EXIT_USAGE, type CliIo, type CliMain } from './io.js';
import { main as token } from './token.js';
import { main as tokenRotate } from './token-rotate.js';

interface Command {
  /** The words that name it after `vtgw`. */
  words: string[];
  summary: string;
  main: CliMain;
}

const commands: Command[] = [
  { words: ['token', 'rotate'], summary: "a new token for a client, the old one expiring after a grace period", main: (argv, io) => tokenRotate(argv, io) },
  { words: ['token'], summary: 'mint a client token and print its clients-file entry', main: token },
  { words: ['audit', 'verify'], summary: "check an audit log's hash chain (and its signed checkpoints), a file or its whole rotated series", main: auditVerify },
  { words: ['audit', 'query'], summary: 'audit lines by user (either name), client, operation, outcome, time', main: auditQuery },
  { words: ['audit', 'export'], summary: 'audit lines as OCSF API Activity (6003) events, for a SIEM', main: auditExport },
  { words: ['audit', 'keygen'], summary: 'write an Ed25519 key pair for signing audit checkpoints', main: auditKeygen },
];

export const vtgwUsage = [
  'usage: vtgw <command> [options]   (vtgw <command> --help for its options)',
  '',
  ...commands.map((c) => `  ${c.words.join(' ').padEnd(14)} ${c.summary}`),
].join('\n');

export async function main(argv: string[], io: CliIo): Promise<number> {
  const command = commands.find((c) => c.words.every((word, i) => argv[i] === word));
  if (command !== undefined) return command.main(argv.slice(command.words.length), io);
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    io.stdout.write(`${vtgwUsage}\n`);
    return EXIT_OK;
  }
  const [first] = argv;
  io.stderr.write(`${first === undefined ? 'no command given' : `unknown command: ${argv.join(' ')}`}\n${vtgwUsage}\n`);
  return EXIT_USAGE;
}
