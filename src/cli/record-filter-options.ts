import type { RecordFilter } from '../audit/records.js';

/** The filters `vtgw audit query` and `vtgw audit export` share, as parseArgs options. */
export const recordFilterOptions = {
  user: { type: 'string' },
  client: { type: 'string' },
  operation: { type: 'string' },
  outcome: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
} as const;

type FilterValues = Partial<Record<keyof typeof recordFilterOptions, string>>;

/** The filter the flags name, or a usage problem (a time that is not ISO 8601). */
export function recordFilterOf(values: FilterValues): RecordFilter | string {
  for (const flag of ['since', 'until'] as const) {
    const value = values[flag];
    if (value !== undefined && Number.isNaN(Date.parse(value))) return `bad --${flag}: ${value} (an ISO 8601 time)`;
  }
  const filter: RecordFilter = {};
  for (const key of ['user', 'client', 'operation', 'outcome', 'since', 'until'] as const) {
    const value = values[key];
    if (value !== undefined) filter[key] = value;
  }
  return filter;
}
