/**
 * Test support (not exported by the package): a connection that records each `Command` and answers with canned
 * replies, run through the command's transform as a real connection would.
 */
import type { Command, RedisArg } from '../../src/command.js';
import { RedisCommands } from '../../src/commands/redis-commands.js';
import { ReplyError } from '../../src/errors.js';

export class FakeConnection extends RedisCommands<string> {
  /** Every command sent, in order. */
  readonly sent: Command<unknown>[] = [];
  private readonly queued: unknown[] = [];

  /** Queues raw replies (as the decoder would yield them), answered in order; `'OK'` when none is queued. */
  reply(...replies: unknown[]): this {
    this.queued.push(...replies);
    return this;
  }

  sendCommand<T>(command: Command<T>): Promise<T> {
    this.sent.push(command as Command<unknown>);
    const raw = this.queued.length > 0 ? this.queued.shift() : 'OK';
    if (raw instanceof ReplyError) return Promise.reject(raw);
    try {
      return Promise.resolve(command.transform === undefined ? (raw as T) : command.transform(raw));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The last command sent. */
  get last(): Command<unknown> {
    const command = this.sent[this.sent.length - 1];
    if (command === undefined) throw new Error('no command was sent');
    return command;
  }

  /** The last command as the words on the wire: `[name, ...args]`. */
  get words(): RedisArg[] {
    return [this.last.name, ...this.last.args];
  }
}

/** A Buffer of the given bytes (for non-UTF-8 data). */
export function bytes(...values: number[]): Buffer {
  return Buffer.from(values);
}

/** A Buffer of the UTF-8 text. */
export function buf(text: string): Buffer {
  return Buffer.from(text);
}
