/** How long to wait, how often to check, and what to say when the deadline passes. */
export interface WaitForOptions {
  timeoutMs: number;
  /** Pause between checks; 50 ms by default. */
  intervalMs?: number;
  /** What was awaited, for the timeout error; a function is called only when the deadline passes. */
  message?: string | (() => string);
}

/** Thrown by {@link waitFor} when the condition did not hold before the deadline. */
export class WaitForTimeoutError extends Error {
  override name = 'WaitForTimeoutError';
}

/**
 * Polls `condition` until it returns true, or throws {@link WaitForTimeoutError} once `timeoutMs` has passed.
 * A condition that throws counts as false; its last error is quoted in the timeout message.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs, intervalMs = 50, message }: WaitForOptions,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await condition()) return;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))),
    );
  }
  const what = typeof message === 'function' ? message() : (message ?? 'a condition');
  const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new WaitForTimeoutError(`Timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}
