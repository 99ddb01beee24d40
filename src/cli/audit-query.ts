/**
 * `vtgw audit query [--user NAME] [--client ID] [--operation OP] [--outcome O] [--since ISO] [--until ISO] PATH...`:
 * the audit lines that match every filter given, as written (JSON lines, chain fields kept). `--user` finds a person
 * by username or email. Each PATH is a series (directory or live file) or any file holding audit lines; several
 * (one per replica) are merged into one timeline by time, each replica's lines kept in their own order.
 */
import { parseArgs } from 'node:util';
import { matches, mergedRecords, type RecordFilter } from '../audit/records.js';
import { EXIT_OK, EXIT_USAGE, parseArgsMessage, type CliIo } from './io.js';

export const auditQueryUsage =
  'usage: vtgw audit query [--user NAME] [--client ID] [--operation OP] [--outcome OUTCOME] [--since ISO-TIME] [--until ISO-TIME] <file|directory>...';

export function main(argv: string[], io: CliIo): number {
  const usageError = (message: string): number => {
    io.stderr.write(`${message}\n${auditQueryUsage}\n`);
    return EXIT_USAGE;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        user: { type: 'string' },
        client: { type: 'string' },
        operation: { type: 'string' },
        outcome: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return usageError(parseArgsMessage(err));
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout.write(`${auditQueryUsage}\n`);
    return EXIT_OK;
  }
  if (positionals.length === 0) return usageError('no file given');
  for (const flag of ['since', 'until'] as const) {
    const value = values[flag];
    if (value !== undefined && Number.isNaN(Date.parse(value))) return usageError(`bad --${flag}: ${value} (an ISO 8601 time)`);
  }
  const filter: RecordFilter = {};
  for (const key of ['user', 'client', 'operation', 'outcome', 'since', 'until'] as const) {
    const value = values[key];
    if (value !== undefined) filter[key] = value;
  }
  try {
    for (const { record, text } of mergedRecords(positionals)) {
      if (matches(record, filter)) io.stdout.write(`${text.slice(text.indexOf('{'))}\n`);
    }
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  return EXIT_OK;
}
