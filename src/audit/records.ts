/**
 * Reading audit lines back for search and export: the lines of one or more series (or of any file holding audit
 * lines among others, such as a captured stdout), parsed, and the filters of `vtgw audit query`.
 */
import type { AuditEntry, Person } from './audit-entry.js';
import { namedUsers } from './people.js';
import { chainOrder, fileLines, seriesOf } from './series.js';

/** A stored audit line: the entry's fields plus its chain fields, and the line as written. */
export type AuditRecord = AuditEntry & { prevHash: string; hash: string };

export interface ReadRecord {
  record: AuditRecord;
  text: string;
  file: string;
}

/** Every path is a series (a directory, or a live file with its rotated files) read in chain order. */
export function* readRecords(paths: readonly string[]): Generator<ReadRecord, void, undefined> {
  for (const path of paths) {
    for (const file of chainOrder(seriesOf(path))) {
      for (const { text } of fileLines(file)) {
        const record = auditRecordOf(text);
        if (record !== null) yield { record, text, file };
      }
    }
  }
}

/**
 * Several series (one per replica) as one timeline: repeatedly the earliest `time` among the series' next lines,
 * each series kept in its own order (its chain and `seq`), so the timeline is ordered per replica and a gap in a
 * replica's `seq` stays visible. One path: its lines in chain order.
 */
export function mergedRecords(paths: readonly string[]): ReadRecord[] {
  const streams = paths.map((path) => [...readRecords([path])]);
  const next = streams.map(() => 0);
  const merged: ReadRecord[] = [];
  for (;;) {
    let pick = -1;
    let pickTime = Number.POSITIVE_INFINITY;
    streams.forEach((stream, i) => {
      const head = stream[next[i] ?? 0];
      const time = head === undefined ? Number.NaN : Date.parse(head.record.time);
      if (head !== undefined && (pick === -1 || time < pickTime)) {
        pick = i;
        pickTime = time;
      }
    });
    if (pick === -1) return merged;
    const at = next[pick] ?? 0;
    const record = streams[pick]?.[at];
    if (record !== undefined) merged.push(record);
    next[pick] = at + 1;
  }
}

/** The audit line a text holds, or null for anything else (an operational log line, a torn line). */
export function auditRecordOf(text: string): AuditRecord | null {
  const start = text.indexOf('{');
  if (start === -1) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const candidate = parsed as Record<string, unknown>;
  const isRecord =
    typeof candidate.hash === 'string' &&
    typeof candidate.prevHash === 'string' &&
    typeof candidate.requestId === 'string' &&
    typeof candidate.time === 'string' &&
    typeof candidate.outcome === 'string';
  return isRecord ? (parsed as AuditRecord) : null;
}

export interface RecordFilter {
  /** A username or email: matches targets.user, people, and the users of the change. */
  user?: string;
  client?: string;
  operation?: string;
  outcome?: string;
  /** ISO 8601; inclusive. */
  since?: string;
  /** ISO 8601; exclusive. */
  until?: string;
}

export function matches(record: AuditRecord, filter: RecordFilter): boolean {
  if (filter.client !== undefined && record.clientId !== filter.client) return false;
  if (filter.operation !== undefined && record.operation !== filter.operation) return false;
  if (filter.outcome !== undefined && record.outcome !== filter.outcome) return false;
  const time = Date.parse(record.time);
  if (filter.since !== undefined && !(time >= Date.parse(filter.since))) return false;
  if (filter.until !== undefined && !(time < Date.parse(filter.until))) return false;
  if (filter.user !== undefined && !namesOf(record).has(filter.user.toLowerCase())) return false;
  return true;
}

/** Every name the record gives a user by, lower case: the users it names (people.ts) and both names of its people. */
export function namesOf(record: AuditRecord): Set<string> {
  const names = new Set([...namedUsers(record)].map((name) => name.toLowerCase()));
  for (const person of record.people ?? ([] as Person[])) {
    if (person.username !== null) names.add(person.username.toLowerCase());
    if (person.email !== null) names.add(person.email.toLowerCase());
  }
  return names;
}
