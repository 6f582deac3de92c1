// How a promise ended, for tests that look at a failure as a value or ask whether it settled without I/O.

/** How a promise ended, without throwing. */
export function outcome<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/** Whether a promise has already settled: it must beat one turn of the event loop (no I/O can answer it first). */
export async function settledAtOnce(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  const first = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<symbol>((resolve) => setImmediate(() => resolve(marker))),
  ]);
  return first !== marker;
}
