/** The callback of a store's `set`, `destroy`, `touch` and `clear`: called with nothing, or with the error. */
export type SessionCallback = (error?: unknown) => void;

/** Settles a Node-style callback from a promise, as session middlewares expect of their stores. */
export function settle<T>(
  work: Promise<T>,
  callback: ((error: unknown, value?: T) => void) | undefined,
): void {
  work.then(
    (value) => callback?.(null, value),
    (error: unknown) => callback?.(error),
  );
}
