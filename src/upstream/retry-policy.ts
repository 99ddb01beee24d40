export interface RetryPolicy {
  /** Retries after the first attempt (0: none). */
  retries: number;
  /** Base of the exponential backoff; each wait is random in [0, base * 2^attempt] ("full jitter"). */
  baseDelayMs: number;
}

/** Statuses worth another try for an idempotent read; VirusTotal's 429 never is: retrying spends quota. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([503, 504]);

export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * policy.baseDelayMs * 2 ** attempt);
}
