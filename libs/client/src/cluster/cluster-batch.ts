import type { Command } from '../command.js';
import { RedisCommands } from '../commands/redis-commands.js';
import { UsageError } from '../errors.js';
import { commandTracing, traceCommand } from '../tracing.js';
import { QueuedReply, type ReplyListener } from '../util/queued-reply.js';
import type { RequestSettler } from './cluster-request.js';

/** What a batch needs from the cluster connection: its one dispatch, settling each command's reply directly. */
export interface BatchTarget {
  dispatchTo<T>(command: Command<T>, settler: RequestSettler<T>): void;
}

/**
 * A pipeline over the whole cluster. Commands may use any keys: `exec()` issues them all in one tick, so each node
 * gets one write, and every command follows its own redirects. Results come back in the order given, each either
 * fulfilled or rejected on its own; each typed method also returns a promise of its own result (created only when
 * used: see `QueuedReply`).
 */
export class ClusterBatch extends RedisCommands<string, Record<string, string>> {
  private readonly commands: Command<unknown>[] = [];
  private readonly replies: QueuedReply<unknown>[] = [];
  private sent = false;

  /** @internal Made by `conn.batch()`. */
  constructor(private readonly target: BatchTarget) {
    super();
  }

  get length(): number {
    return this.commands.length;
  }

  sendCommand<T>(command: Command<T>): Promise<T> {
    if (this.sent) return Promise.reject(alreadySent());
    const reply = new QueuedReply<T>();
    this.commands.push(command as Command<unknown>);
    this.replies.push(reply as QueuedReply<unknown>);
    return reply;
  }

  /** Sends every queued command; never rejects: each result says fulfilled or rejected. */
  exec(): Promise<PromiseSettledResult<unknown>[]> {
    if (this.sent) return Promise.reject(alreadySent());
    this.sent = true;
    const count = this.commands.length;
    if (count === 0) return Promise.resolve([]);
    if (commandTracing.hasSubscribers) {
      // One trace for the whole batch, as OpenTelemetry's conventions name it; a cluster has one database, 0.
      return traceCommand({ command: 'PIPELINE', database: 0, batchSize: count }, () => this.run(count));
    }
    return this.run(count);
  }

  private run(count: number): Promise<PromiseSettledResult<unknown>[]> {
    return new Promise((done) => {
      const run = new ExecRun(count, done);
      for (let i = 0; i < count; i++) {
        const reply = this.replies[i]!;
        reply.listener = run;
        reply.index = i;
        // Each command settles its reply, which settles straight into the results: no promise per request.
        this.target.dispatchTo(this.commands[i]!, reply);
      }
    });
  }
}

/** The results of one `exec()`, filled in as replies arrive; done when the last one does. */
class ExecRun implements ReplyListener {
  private readonly results: PromiseSettledResult<unknown>[];
  private remaining: number;

  constructor(
    count: number,
    private readonly done: (results: PromiseSettledResult<unknown>[]) => void,
  ) {
    this.results = new Array(count);
    this.remaining = count;
  }

  settled(index: number, result: PromiseSettledResult<unknown>): void {
    this.results[index] = result;
    if (--this.remaining === 0) this.done(this.results);
  }
}

function alreadySent(): UsageError {
  return new UsageError('this batch was already executed; start a new one with batch()');
}
