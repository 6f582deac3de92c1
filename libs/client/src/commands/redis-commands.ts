import type { Command, RedisArg } from '../command.js';
import { refusedOnSharedConnection } from './connection-mode.js';
import { GeneratedCommands } from './generated/index.js';
import type { CommandSender } from './script.js';

/**
 * Every typed command method, written once and shared by every connection type: a connection extends it and
 * implements `sendCommand`. Methods are lower-case like the commands (`hgetall`, `zadd`, `xreadgroup`), take typed
 * option objects, and come in a Buffer form on `buffers`.
 *
 * The families live in their own files and extend one another: the hand-written ones (strings ← keys ← hashes ←
 * lists ← sets ← sorted sets ← streams ← stream groups ← scripting ← pub/sub ← server ← geo ← sorted-set queries ←
 * sort ← lcs ← bitfield), then the ones tools/command-gen writes from the servers' command specs for every other
 * command (`generated/`, one per group); this class closes the chain.
 */
export abstract class RedisCommands<
  S extends string | Buffer = string,
  Info = string,
> extends GeneratedCommands<S, Info> {
  #buffers: RedisCommands<Buffer, Info> | undefined;

  /**
   * The same connection, with every typed method returning Buffers for bulk strings: byte-exact values, and maps
   * keyed by the exact bytes (`Map<Buffer, Buffer>`). Text the server makes up (IDs, cursors, INFO) stays text.
   */
  get buffers(): RedisCommands<Buffer, Info> {
    if (this.#buffers === undefined) this.#buffers = new BufferView<Info>(this);
    return this.#buffers;
  }

  /**
   * Any command, with its reply as decoded: `call('GET', 'k')`, `call('CLIENT', 'SETNAME', 'x')`. Bulk strings are
   * Buffers on the Buffer view, else as the connection is configured. Commands that would change what the connection
   * is (SUBSCRIBE and the like, MONITOR, HELLO, RESET, QUIT, CLIENT REPLY, SELECT, AUTH, CLIENT TRACKING) are refused
   * with a `UsageError`: use `subscribe()` and the other methods made for them, or the `db`, `credentials` and
   * `cache` options.
   */
  call(name: string, ...args: RedisArg[]): Promise<unknown> {
    const upper = name.toUpperCase();
    const refused = refusedOnSharedConnection(upper, args);
    if (refused !== undefined) return Promise.reject(refused);
    return this.sendCommand({
      name: upper,
      args,
      returnBuffers: this.returnBuffers ? true : undefined,
    });
  }
}

/** The `buffers` view: a lightweight object that sends through its owner, asking for Buffers. */
class BufferView<Info> extends RedisCommands<Buffer, Info> {
  constructor(private readonly owner: CommandSender) {
    super();
  }

  sendCommand<T>(command: Command<T>): Promise<T> {
    return this.owner.sendCommand(command);
  }

  protected override get returnBuffers(): boolean {
    return true;
  }

  override get buffers(): RedisCommands<Buffer, Info> {
    return this;
  }
}
