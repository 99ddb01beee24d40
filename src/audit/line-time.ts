let formattedAt = Number.NaN;
let formatted = '';

/**
 * The current time as an audit line writes it (`Date#toISOString`), formatted at most once per millisecond: at
 * thousands of lines a second most lines share a millisecond, and formatting took more than half a microsecond.
 */
export function lineTime(): string {
  const now = Date.now();
  if (now !== formattedAt) {
    formatted = new Date(now).toISOString();
    formattedAt = now;
  }
  return formatted;
}
