import type { Command } from '../command.js';
import { RedisCommands } from '../commands/redis-commands.js';
import { ReplyError, UsageError } from '../errors.js';
import { QueuedReply } from '../util/queued-reply.js';

/** Runs MULTI, the queued commands and EXEC as one unit; resolves with EXEC's replies, or null when WATCH aborted it. */
export type TransactionRunner = (
  commands: readonly Command<unknown>[],
  returnBuffers: boolean,
) => Promise<unknown[] | null>;

/**
 * A MULTI/EXEC transaction being built. Each typed method queues its command and returns a promise of that
 * command's own result (made only if used: see `QueuedReply`); `exec()` sends the whole transaction in one write and resolves with every result in order
 * (failed commands as `ReplyError` values), or `null` when a WATCHed key changed.
 */
export class Multi extends RedisCommands<string> {
  private readonly queued: Command<unknown>[] = [];
  private readonly settlers: QueuedReply<unknown>[] = [];
  private sent = false;

  /** @internal Made by a connection's `multi()`. */
  constructor(private readonly runner: TransactionRunner) {
    super();
  }

  /** How many commands are queued. */
  get length(): number {
    return this.queued.length;
  }

  sendCommand<T>(command: Command<T>): Promise<T> {
    if (this.sent) return Promise.reject(alreadyExecuted());
    const reply = new QueuedReply<T>();
    this.queued.push(command as Command<unknown>);
    this.settlers.push(reply as QueuedReply<unknown>);
    return reply;
  }

  /** Sends MULTI, the queued commands and EXEC. */
  async exec(): Promise<unknown[] | null> {
    if (this.sent) throw alreadyExecuted();
    this.sent = true;
    const returnBuffers = this.queued.some((command) => command.returnBuffers === true);
    let replies: unknown[] | null;
    try {
      replies = await this.runner(this.queued, returnBuffers);
    } catch (error) {
      for (const settler of this.settlers) settler.reject(error as Error);
      throw error;
    }
    if (replies === null) {
      const aborted = new ReplyError('EXECABORT transaction discarded because a WATCHed key changed');
      for (const settler of this.settlers) settler.reject(aborted);
      return null;
    }
    return replies.map((reply, index) =>
      settleOne(this.queued[index]!, this.settlers[index]!, reply, returnBuffers),
    );
  }
}

function alreadyExecuted(): UsageError {
  return new UsageError('this transaction was already executed; start a new one with multi()');
}

function settleOne(
  command: Command<unknown>,
  settler: QueuedReply<unknown>,
  reply: unknown,
  repliedAsBuffers: boolean,
): unknown {
  if (reply instanceof ReplyError) {
    settler.reject(reply);
    return reply;
  }
  try {
    const value = repliedAsBuffers && command.returnBuffers !== true ? buffersToStrings(reply) : reply;
    const result = command.transform ? command.transform(value) : value;
    settler.resolve(result);
    return result;
  } catch (error) {
    settler.reject(error as Error);
    return error;
  }
}

/** Decodes Buffers back to strings for commands that did not ask for Buffers in a mixed transaction. */
function buffersToStrings(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(buffersToStrings);
  if (value instanceof Map) {
    const out = new Map();
    for (const [key, item] of value) out.set(buffersToStrings(key), buffersToStrings(item));
    return out;
  }
  return value;
}
