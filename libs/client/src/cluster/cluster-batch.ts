import type { Command, CommandExecutor } from '../command.js';
import { RedisCommands } from '../commands/redis-commands.js';

interface Queued {
  command: Command<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * A pipeline over the whole cluster. Commands may use any keys: `exec()` issues them all in one tick, so each node
 * gets one write, and every command follows its own redirects. Results come back in the order given, each either
 * fulfilled or rejected on its own; each typed method also returns a promise of its own result.
 */
export class ClusterBatch extends RedisCommands<string> {
  private queued: Queued[] = [];
  private sent = false;

  constructor(private readonly target: CommandExecutor) {
    super();
  }

  get length(): number {
    return this.queued.length;
  }

  sendCommand<T>(command: Command<T>): Promise<T> {
    if (this.sent)
      return Promise.reject(new Error('this batch was already executed; start a new one with batch()'));
    const promise = new Promise<T>((resolve, reject) => {
      this.queued.push({
        command: command as Command<unknown>,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
    });
    promise.catch(() => {}); // results are also reported by exec(); an unread failure must not crash the process
    return promise;
  }

  /** Sends every queued command; never rejects: each result says fulfilled or rejected. */
  async exec(): Promise<PromiseSettledResult<unknown>[]> {
    if (this.sent) throw new Error('this batch was already executed; start a new one with batch()');
    this.sent = true;
    const running = this.queued.map((entry) => {
      const result = this.target.sendCommand(entry.command);
      result.then(entry.resolve, entry.reject);
      return result;
    });
    return Promise.allSettled(running);
  }
}
