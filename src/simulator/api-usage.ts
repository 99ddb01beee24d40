import { badRequest, invalidArgument } from './errors.js';
import type { SimulatorState } from './model.js';
import type { QueryParams } from './paging.js';

const DAY_MS = 86_400_000;
/** VirusTotal: "the range is at most 30 days"; data is kept 60 days. */
const MAX_RANGE_DAYS = 30;

function isoDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** Counts one call of `account` to `endpoint` today (UTC). */
export function recordUsage(state: SimulatorState, account: string, endpoint: string, now = Date.now()): void {
  let days = state.apiUsage.get(account);
  if (days === undefined) {
    days = new Map();
    state.apiUsage.set(account, days);
  }
  const day = isoDay(now);
  const counts = days.get(day) ?? {};
  counts[endpoint] = (counts[endpoint] ?? 0) + 1;
  days.set(day, counts);
}

function parseDay(name: string, value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? /^(\d{4})(\d{2})(\d{2})$/.exec(value) : null;
  const time = match === null ? NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (match === null || Number.isNaN(time) || isoDay(time).replaceAll('-', '') !== value) {
    throw invalidArgument(`"${name}" must be a date YYYYMMDD`);
  }
  return time;
}

/**
 * `{"data":{"daily":{"YYYY-MM-DD":{endpoint:n}},"total":{endpoint:n}}}` for the accounts, summed. Default range:
 * the last 30 days up to today. Every day of the range is listed, empty or not.
 */
export function usageReport(state: SimulatorState, accounts: readonly string[], query: QueryParams, now = Date.now()): unknown {
  const today = Date.parse(isoDay(now));
  const end = parseDay('end_date', query['end_date']) ?? today;
  const start = parseDay('start_date', query['start_date']) ?? end - (MAX_RANGE_DAYS - 1) * DAY_MS;
  if (start > end) throw badRequest('"start_date" must not be after "end_date"');
  if ((end - start) / DAY_MS + 1 > MAX_RANGE_DAYS) throw badRequest(`The date range can't be longer than ${MAX_RANGE_DAYS} days`);
  const daily: Record<string, Record<string, number>> = {};
  const total: Record<string, number> = {};
  for (let time = start; time <= end; time += DAY_MS) {
    const day = isoDay(time);
    const counts: Record<string, number> = {};
    for (const account of accounts) {
      for (const [endpoint, n] of Object.entries(state.apiUsage.get(account)?.get(day) ?? {})) {
        counts[endpoint] = (counts[endpoint] ?? 0) + n;
        total[endpoint] = (total[endpoint] ?? 0) + n;
      }
    }
    daily[day] = counts;
  }
  return { data: { daily, total } };
}
