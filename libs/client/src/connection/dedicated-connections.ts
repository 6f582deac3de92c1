import { setMaxListeners } from 'node:events';
import type { Command } from '../command.js';
import { blockingDeadlineMs } from '../commands/blocking.js';
import { ClosedError, ConnectionError, TimeoutError } from '../errors.js';
import { unblockedByRoleChange } from '../retry/retry-policy.js';
import { backoffDelay } from '../util/backoff.js';
import type { NodeConnectionSettings } from './connection-options.js';
import { MultiplexedConnection } from './multiplexed-connection.js';

/** How long an unused dedicated connection is kept before it is closed. */
const IDLE_CLOSE_MS = 30_000;

/**
 * A small, bounded set of extra connections to one server for what must not run on the shared connection:
 * blocking commands and WATCH transactions. Created on demand, reused, and closed when idle.
 */
export class DedicatedConnections {
  private readonly idle: MultiplexedConnection[] = [];
  /** Connections lent out right now (a BLPOP may wait on one forever): destroy() must end them too. */
  private readonly busy = new Set<MultiplexedConnection>();
  private readonly waiting: ((connection: MultiplexedConnection | Error) => void)[] = [];
  private active = 0;
  private closed = false;
  /** Aborted on close: a connection being made ends with it instead of at its connect timeout. */
  private readonly closing = new AbortController();
  private idleTimer: NodeJS.Timeout | null = null;
  private drained: (() => void) | null = null;

  constructor(
    private readonly settings: NodeConnectionSettings,
    private readonly commandTimeoutMs: number,
    private readonly maxConnections = 16,
  ) {
    // One listener per connection being made: as many as may be made at once, without a leak warning.
    setMaxListeners(maxConnections, this.closing.signal);
  }

  /** Runs a blocking command on a dedicated connection; its deadline is its own block time plus the command timeout. */
  runBlocking<T>(command: Command<T>, blockMs: number): Promise<T> {
    const timeout = blockingDeadlineMs(blockMs, this.commandTimeoutMs);
    return this.withConnection((connection) => connection.execHere(command, timeout));
  }

  /**
   * Lends a dedicated connection for the duration of `work`. A connection whose command timed out is dropped rather
   * than reused, since its late reply would be taken for the next command's; so is one whose command was ended by
   * UNBLOCKED for a role change, which the server closes right after that reply (a command sent on it before the
   * close is seen would be lost after it was written).
   */
  async withConnection<T>(work: (connection: MultiplexedConnection) => Promise<T>): Promise<T> {
    const connection = await this.acquire();
    this.busy.add(connection);
    let reusable = true;
    try {
      return await work(connection);
    } catch (error) {
      if (error instanceof TimeoutError || unblockedByRoleChange(error as Error)) reusable = false;
      throw error;
    } finally {
      this.busy.delete(connection);
      this.release(connection, reusable);
      if (this.busy.size === 0 && this.drained) this.drained();
    }
  }

  /**
   * Refuses new work and lets the blocking commands and WATCH sessions already running finish, then closes their
   * connections. Work still waiting for a connection was never sent: it fails with ClosedError.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const connection of this.idle.splice(0)) void connection.close();
    for (const waiter of this.waiting.splice(0)) waiter(new ClosedError('the connection was closed'));
    if (this.busy.size > 0) await new Promise<void>((resolve) => (this.drained = resolve));
  }

  /** Closes every dedicated connection now, cutting running commands; later requests fail with ClosedError. */
  destroy(): void {
    this.closed = true;
    this.closing.abort();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const connection of this.idle.splice(0)) connection.destroy();
    for (const connection of this.busy) connection.destroy();
    for (const waiter of this.waiting.splice(0)) waiter(new ClosedError('the connection was closed'));
  }

  private async acquire(): Promise<MultiplexedConnection> {
    if (this.closed) throw new ClosedError('the connection was closed');
    for (let connection = this.idle.pop(); connection !== undefined; connection = this.idle.pop()) {
      if (connection.isOpen) {
        this.active++;
        return connection;
      }
    }
    if (this.active < this.maxConnections) {
      this.active++;
      let connection: MultiplexedConnection;
      try {
        connection = await this.connectWithinTimeout();
      } catch (error) {
        this.active--;
        throw error;
      }
      if (this.closed) {
        // destroy() ran while this one was connecting: nobody would ever close it.
        this.active--;
        connection.destroy();
        throw new ClosedError('the connection was closed');
      }
      return connection;
    }
    const next = await new Promise<MultiplexedConnection | Error>((resolve) => this.waiting.push(resolve));
    if (next instanceof Error) throw next;
    return next;
  }

  /**
   * Connects, trying again (with backoff) while the server cannot be reached, for up to the command timeout: like
   * commands on the shared connection, a blocking command waits for an unreachable server instead of failing fast.
   */
  private async connectWithinTimeout(): Promise<MultiplexedConnection> {
    const deadline = Date.now() + this.commandTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await MultiplexedConnection.connect(
          this.settings,
          { commandTimeoutMs: this.commandTimeoutMs, dropWhenStuck: true },
          this.closing.signal,
        );
      } catch (error) {
        const delay = backoffDelay(attempt);
        const unreachable = error instanceof ConnectionError || error instanceof TimeoutError;
        if (!unreachable || this.closed || Date.now() + delay >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private release(connection: MultiplexedConnection, reusable: boolean): void {
    const keep = reusable && connection.isOpen && !this.closed;
    const waiter = this.waiting.shift();
    if (waiter && keep) {
      waiter(connection); // handed over: stays active
      return;
    }
    this.active--;
    if (!keep) {
      connection.destroy();
      if (waiter) this.acquire().then(waiter, waiter);
      return;
    }
    this.idle.push(connection);
    this.scheduleIdleClose();
  }

  private scheduleIdleClose(): void {
    if (this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      for (const connection of this.idle.splice(0)) void connection.close();
    }, IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }
}
