/**
 * `vtgw audit query [--user NAME] [--client ID] [--operation OP] [--outcome O] [--since ISO] [--until ISO] PATH...`:
 * the audit lines that match every filter given, as written (JSON lines, chain fields kept). `--user` finds a person
 * by username or email. Each PATH is a series (directory or live file) or any file holding audit lines; several
 * (one per replica) are merged into one timeline by time, each replica's lines kept in their own order.
 */
import { matches, mergedRecords } from '../audit/records.js';
import { EXIT_OK, parseCommand, usageFailure, type CliIo } from './io.js';
import { recordFilterOf, recordFilterOptions } from './record-filter-options.js';

export const auditQueryUsage =
  'usage: vtgw audit query [--user NAME] [--client ID] [--operation OP] [--outcome OUTCOME] [--since ISO-TIME] [--until ISO-TIME] <file|directory>...';

export function main(argv: string[], io: CliIo): number {
  const usageError = (message: string): number => usageFailure(io, auditQueryUsage, message);
  const parsed = parseCommand(
    {
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        ...recordFilterOptions,
        help: { type: 'boolean', short: 'h' },
      },
    },
    auditQueryUsage,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length === 0) return usageError('no file given');
  const filter = recordFilterOf(values);
  if (typeof filter === 'string') return usageError(filter);
  try {
    for (const { record, text } of mergedRecords(positionals)) {
      if (matches(record, filter)) io.stdout.write(`${text.slice(text.indexOf('{'))}\n`);
    }
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  return EXIT_OK;
}
