export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function max(values: readonly number[]): number {
  return values.reduce((m, v) => (v > m ? v : m), Number.NEGATIVE_INFINITY);
}

export function min(values: readonly number[]): number {
  return values.reduce((m, v) => (v < m ? v : m), Number.POSITIVE_INFINITY);
}

export const MB = 1024 * 1024;
