/**
 * `vtgw audit export --format ocsf [query filters] PATH...`: each audit line as an OCSF API Activity (6003) event,
 * one JSON object a line. A write's intent line is exported only when no later outcome line is its own (the write's
 * outcome was never recorded: the gateway stopped while it was in flight).
 */
import { dirname } from 'node:path';
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
    const paired = pairedIntents(positionals);
    for (const { record, file } of readRecords(positionals)) {
      if (record.outcome === 'intent' && paired.has(record.hash)) continue;
      if (matches(record, filter)) io.stdout.write(`${JSON.stringify(ocsfApiActivity(record, file))}\n`);
    }
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  return EXIT_OK;
}

/**
 * The hashes of intent lines whose outcome line follows: same series (directory), request id, client, operation, path
 * and body digest, each outcome answering the earliest intent still open. A caller chooses its request id
 * (x-request-id), so the id alone would let an earlier call's outcome hide a later write's lost one, and two writes
 * under one id are told apart by what they sent. By hash, not by position: a file retention removes between the two
 * reads shifts every position.
 */
function pairedIntents(paths: string[]): Set<string> {
  const open = new Map<string, string[]>();
  const paired = new Set<string>();
  for (const { record, file } of readRecords(paths)) {
    const key = JSON.stringify([dirname(file), record.requestId, record.clientId, record.operation, record.path, record.bodySha256 ?? null]);
    if (record.outcome === 'intent') open.set(key, [...(open.get(key) ?? []), record.hash]);
    else {
      const answered = open.get(key)?.shift();
      if (answered !== undefined) paired.add(answered);
    }
  }
  return paired;
}
