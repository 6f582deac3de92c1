import type { RedisCommands } from '../../src/index.js';

/** Waits, with a deadline and no sleep, until the server reports a client blocked in a blocking command. */
export async function untilBlocked(conn: RedisCommands, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!/blocked_clients:[1-9]/.test(await conn.info('clients'))) {
    if (Date.now() > deadline) throw new Error('the blocking command never reached the server');
  }
}
