import type { Command } from '../command.js';
import { RedisCommands } from '../commands/redis-commands.js';
import type { RequestSettler } from './cluster-request.js';

/** What a batch needs from the cluster connection. */
export interface BatchTarget {
  sendCommand<T>(command: Command<T>): Promise<T>;
  routeSimple<T>(command: Command<T>, settler: RequestSettler<T>): unknown;
}

/**
 * A pipeline over the whole cluster. Commands may use any keys: `exec()` issues them all in one tick, so each node
 * gets one write, and every command follows its own redirects. Results come back in the order given, each either
 * fulfilled or rejected on its own; each typed method also returns a promise of its own result.
 */
export class ClusterBatch extends RedisCommands<string> {
  private readonly commands: Command<unknown>[] = [];
  private readonly callers: RequestSettler<unknown>[] = [];
  private sent = false;

  constructor(private readonly target: BatchTarget) {
    super();
  }

  get length(): number {
    return this.commands.length;
  }

  sendCommand<T>(command: Command<T>): Promise<T> {
    if (this.sent) return Promise.reject(alreadySent());
    this.commands.push(command as Command<unknown>);
    const promise = new Promise<T>((resolve, reject) => {
      this.callers.push({ resolve: resolve as (value: unknown) => void, reject });
    });
    promise.catch(() => {}); // results are also reported by exec(); an unread failure must not crash the process
    return promise;
  }

  /** Sends every queued command; never rejects: each result says fulfilled or rejected. */
  exec(): Promise<PromiseSettledResult<unknown>[]> {
    if (this.sent) return Promise.reject(alreadySent());
    this.sent = true;
    const count = this.commands.length;
    const results: PromiseSettledResult<unknown>[] = new Array(count);
    if (count === 0) return Promise.resolve(results);
    return new Promise((done) => {
      let remaining = count;
      for (let i = 0; i < count; i++) {
        const caller = this.callers[i]!;
        // Each command settles straight into `results`: no promise per request, no Promise.allSettled.
        const settler: RequestSettler<unknown> = {
          resolve(value) {
            results[i] = { status: 'fulfilled', value };
            caller.resolve(value);
            if (--remaining === 0) done(results);
          },
          reject(reason) {
            results[i] = { status: 'rejected', reason };
            caller.reject(reason);
            if (--remaining === 0) done(results);
          },
        };
        const command = this.commands[i]!;
        if (this.target.routeSimple(command, settler) === undefined) {
          this.target.sendCommand(command).then(settler.resolve, settler.reject);
        }
      }
    });
  }
}

function alreadySent(): Error {
  return new Error('this batch was already executed; start a new one with batch()');
}
