// `vtgw token --id ... --scopes ... --groups ...`: mints a client token, prints it once, then its clients-file entry.
import { checkClientEntry } from '../security/clients-file.js';
import { mintToken, tokenDigest } from '../security/token.js';
import { EXIT_OK, type CliIo } from './io.js';
import { printNewToken, runTokenCommand, tokenFlags, UsageError } from './token-command.js';

export const tokenUsage =
  'usage: vtgw token --id ID --scopes SCOPE[,SCOPE...] --groups GROUP[,GROUP...]|"*"|"" ' +
  '[--threat-profiles PROFILE[,PROFILE...]|"*"] [--reads-per-minute N] [--writes-per-minute N]';

const flagOfField: Record<string, string> = {
  id: '--id',
  scopes: '--scopes',
  groups: '--groups',
  threatProfiles: '--threat-profiles',
  'rateLimit.readsPerMinute': '--reads-per-minute',
  'rateLimit.writesPerMinute': '--writes-per-minute',
};

export function main(argv: string[], io: CliIo): number {
  return runTokenCommand('token', io, () => {
    const token = mintToken();
    const entry = entryFromArgs(argv, tokenDigest(token));
    if (entry === 'help') {
      io.stdout.write(`${tokenUsage}\n`);
      return EXIT_OK;
    }
    printNewToken(io, token, entry, 'hand it to the client now. Add the entry to "clients" in the clients file; the gateway picks it up within seconds.');
    return EXIT_OK;
  });
}

function entryFromArgs(args: string[], tokenSha256: string) {
  const values = tokenFlags(args, {
    id: { type: 'string' },
    scopes: { type: 'string' },
    groups: { type: 'string' },
    'threat-profiles': { type: 'string' },
    'reads-per-minute': { type: 'string' },
    'writes-per-minute': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) return 'help';

  const { id, scopes, groups } = values;
  if (id === undefined) throw new UsageError('--id is required');
  if (scopes === undefined || scopes === '') throw new UsageError('--scopes is required (comma-separated)');
  if (groups === undefined) throw new UsageError('--groups is required ("*" for all, "" for none)');
  const readsPerMinute = wholeNumber('--reads-per-minute', values['reads-per-minute']);
  const writesPerMinute = wholeNumber('--writes-per-minute', values['writes-per-minute']);

  const entry = {
    id,
    tokenSha256,
    scopes: list(scopes),
    groups: list(groups),
    threatProfiles: list(values['threat-profiles'] ?? ''),
    ...(readsPerMinute === undefined && writesPerMinute === undefined
      ? {}
      : { rateLimit: { ...(readsPerMinute === undefined ? {} : { readsPerMinute }), ...(writesPerMinute === undefined ? {} : { writesPerMinute }) } }),
  };
  const problem = checkClientEntry(entry);
  if (problem !== undefined) {
    const field = problem.field.replace(/\[\d+\]$/, '');
    throw new UsageError(`${flagOfField[field] ?? field}: ${problem.problem}`);
  }
  return entry;
}

function list(value: string): string[] {
  return value === '' ? [] : value.split(',').map((item) => item.trim());
}

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag}: must be a whole number, got ${JSON.stringify(value)}`);
  return Number(value);
}
