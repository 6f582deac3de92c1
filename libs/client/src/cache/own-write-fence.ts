/**
 * A command of this client that ran on a dedicated connection (a blocking command such as BLMOVE) may have written
 * keys this client has cached: the server sends their invalidation on the tracking connection, not with the reply,
 * so the caller could read the cached value from before its own write. A PING on the tracking connection, answered
 * after that invalidation (the server queued it first), is awaited before the caller gets its reply.
 * `ping` is undefined without a cache or without an open tracking connection (whose loss dropped its entries).
 */
export async function afterInvalidations<T>(
  reply: Promise<T>,
  ping: () => Promise<unknown> | undefined,
): Promise<T> {
  const value = await reply;
  await ping()?.catch(() => undefined);
  return value;
}
