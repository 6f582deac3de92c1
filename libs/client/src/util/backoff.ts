/** Capped exponential backoff with full jitter: attempt 0 waits up to `baseMs`, doubling up to `maxMs`. */
export interface BackoffPolicy {
  /** First delay's upper bound, in ms. Default 50. */
  baseMs?: number | undefined;
  /** Largest delay, in ms. Default 2000. */
  maxMs?: number | undefined;
}

export function backoffDelay(attempt: number, policy: BackoffPolicy = {}): number {
  const base = policy.baseMs ?? 50;
  const max = policy.maxMs ?? 2000;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  // Full jitter spreads reconnects of many clients; keep a small floor so a tight loop cannot form.
  return Math.max(1, Math.round(Math.random() * ceiling));
}
