/**
 * Settles like `work`, unless `ms` pass first: then rejects with `onTimeout()` (and `work`'s outcome, when it comes,
 * is ignored). The timer is cleared either way, so nothing is left to keep the process alive.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, ms));
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
