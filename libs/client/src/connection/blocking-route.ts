import type { Command } from '../command.js';
import { blockingDeadlineMs, sharedConnectionDeadline } from '../commands/blocking.js';
import type { ConnectionBehaviour } from './connection-behaviour.js';
import type { MultiplexedConnection } from './multiplexed-connection.js';

/**
 * Sends a blocking command (BLPOP, XREAD BLOCK, WAIT...) issued on `connection`. A shared connection (its owner gave
 * `runBlocking`) hands it to its owner to run elsewhere, unless it must stay on this very connection (WAIT, WAITAOF:
 * see `sharedConnectionDeadline`). A dedicated connection (lent by watch(), for one) runs it itself, for as long as
 * it asks.
 */
export function sendBlocking<T>(
  connection: MultiplexedConnection,
  config: ConnectionBehaviour,
  command: Command<T>,
  blockMs: number,
): Promise<T> {
  if (config.runBlocking) {
    const shared = sharedConnectionDeadline(command.name, blockMs, config.commandTimeoutMs);
    if (shared === undefined) return config.runBlocking(command, blockMs);
    return shared instanceof Error ? Promise.reject(shared) : connection.execHere(command, shared);
  }
  return connection.execHere(command, blockingDeadlineMs(blockMs, config.commandTimeoutMs));
}
