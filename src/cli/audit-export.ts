/**
 * `vtgw audit export --format ocsf [query filters] PATH...`: each audit line as an OCSF API Activity (6003) event,
 * one JSON object a line. A write's intent line is exported only when no outcome line with its requestId exists
 * (the write's outcome was never recorded: the gateway stopped while it was in flight).
 */
import { ocsfApiActivity } from '../audit/ocsf.js';
import { matches, readRecords } from '../audit/records.js';
import { EXIT_OK, parseCommand, usageFailure, type CliIo } from './io.js';
import { recordFilterOf, recordFilterOptions } from './record-filter-options.js';

export const auditExportUsage =
  'usage: vtgw audit export --format ocsf [--user NAME] [--client ID] [--operation OP] [--outcome OUTCOME] [--since ISO-TIME] [--until ISO-TIME] <file|directory>...';

export function main(argv: string[], io: CliIo): number {
  const usageError = (message: string): number => usageFailure(io, auditExportUsage, message);
  const parsed = parseCommand(
    {
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        ...recordFilterOptions,
        help: { type: 'boolean', short: 'h' },
      },
    },
    auditExportUsage,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (values.format !== 'ocsf') return usageError(`--format must be ocsf${values.format === undefined ? '' : `, not ${values.format}`}`);
  if (positionals.length === 0) return usageError('no file given');
  const filter = recordFilterOf(values);
  if (typeof filter === 'string') return usageError(filter);
  try {
    const outcomes = new Set<string>();
    for (const { record } of readRecords(positionals)) if (record.outcome !== 'intent') outcomes.add(record.requestId);
    for (const { record, file } of readRecords(positionals)) {
      if (record.outcome === 'intent' && outcomes.has(record.requestId)) continue;
      if (matches(record, filter)) io.stdout.write(`${JSON.stringify(ocsfApiActivity(record, file))}\n`);
    }
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  return EXIT_OK;
}
