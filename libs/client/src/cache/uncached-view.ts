import type { Command } from '../command.js';
import { RedisCommands } from '../commands/redis-commands.js';

/** What the view needs from its connection: the command path without the cache. */
export interface UncachedSender {
  sendUncached<T>(command: Command<T>): Promise<T>;
}

/**
 * `conn.uncached`: every typed method of the connection, sent past the client-side cache to the server (a read
 * that must see the server's value now). Its `buffers` view bypasses the cache too.
 */
export class UncachedView<Info> extends RedisCommands<string, Info> {
  constructor(private readonly owner: UncachedSender) {
    super();
  }

  sendCommand<T>(command: Command<T>): Promise<T> {
    return this.owner.sendUncached(command);
  }
}
