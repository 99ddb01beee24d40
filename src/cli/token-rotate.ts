// `vtgw token rotate --id X [--grace 24h] [--clients-file PATH]`: a new token for an existing client, the old ones
// expiring after the grace period. Prints the token once and the updated entry; never writes the file itself.
import { readFileSync } from 'node:fs';
import { checkClientEntry, parseClientsFile, type ClientEntry } from '../security/clients-file.js';
import { mintToken, tokenDigest } from '../security/token.js';
import { EXIT_OK, type CliIo } from './io.js';
import { printNewToken, runTokenCommand, tokenFlags, UsageError } from './token-command.js';

export const tokenRotateUsage = 'usage: vtgw token rotate --id ID [--grace DURATION (e.g. 24h, 30m, 0s; default 24h)] [--clients-file PATH (default $GATEWAY_CLIENTS_FILE)]';

const unitMs: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function main(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env, now: () => number = Date.now): number {
  return runTokenCommand('token rotate', io, () => {
    const values = tokenFlags(argv, {
      id: { type: 'string' },
      grace: { type: 'string' },
      'clients-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      io.stdout.write(`${tokenRotateUsage}\n`);
      return EXIT_OK;
    }
    const id = values.id;
    if (id === undefined) throw new UsageError('--id is required');
    const graceMs = duration(values.grace ?? '24h');
    const path = values['clients-file'] ?? env.GATEWAY_CLIENTS_FILE;
    if (path === undefined || path === '') throw new UsageError('--clients-file is required (or GATEWAY_CLIENTS_FILE)');
    const entry = entryOf(path, id);
    const token = mintToken();
    const notAfter = new Date(now() + graceMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const { tokenSha256, tokens = [], ...rest } = entry;
    const previous = [...(tokenSha256 === undefined ? [] : [{ sha256: tokenSha256 }]), ...tokens]
      // An old token already due to expire keeps its earlier end; one already expired is dropped.
      .filter((old) => old.notAfter === undefined || Date.parse(old.notAfter) > now())
      .map((old) => ({ sha256: old.sha256, notAfter: old.notAfter !== undefined && old.notAfter < notAfter ? old.notAfter : notAfter }));
    const updated = { ...rest, tokens: [{ sha256: tokenDigest(token) }, ...previous] };
    const problem = checkClientEntry(updated);
    if (problem !== undefined) throw new Error(`the updated entry is invalid: ${problem.field}: ${problem.problem}`);
    printNewToken(
      io,
      token,
      updated,
      `hand it to client ${id} now. Replace its entry in ${path} with the one above; its old tokens keep working until ${notAfter}.`,
    );
    return EXIT_OK;
  });
}

function duration(text: string): number {
  const match = /^(\d{1,6})([smhd])$/.exec(text);
  if (match === null) throw new UsageError(`--grace: must be a number and a unit (s, m, h, d), got ${JSON.stringify(text)}`);
  return Number(match[1]) * (unitMs[match[2] ?? 's'] ?? 1000);
}

function entryOf(path: string, id: string): ClientEntry {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const parsed = parseClientsFile(text);
  if (!parsed.ok) throw new UsageError(`${path}: ${parsed.error}`);
  const raw: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
  const entries = (raw as { clients: ClientEntry[] }).clients;
  const entry = entries.find((e) => e.id === id);
  if (entry === undefined) throw new UsageError(`no client ${id} in ${path}`);
  return entry;
}
