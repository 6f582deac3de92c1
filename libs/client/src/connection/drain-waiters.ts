import { deadlineNow } from '../util/deadlines.js';
import type { Fifo } from '../util/fifo.js';
import type { Request } from './request.js';

/**
 * The callers of `close()` waiting for a closing connection's pending commands to settle. The last reply settles
 * them all; but a command whose deadline passed keeps its reply slot until its reply comes, which a stalled server
 * may never send, so the waiters are also released once every pending command is settled one way or the other.
 */
export class DrainWaiters {
  private waiters: (() => void)[] = [];
  private settleTimer: NodeJS.Timeout | null = null;

  constructor(
    /** True while the connection is closing: once it is closed, `release()` has run or will. */
    private readonly isClosing: () => boolean,
    /** The requests written and owed a reply. */
    private readonly inflight: Fifo<Request>,
    /** The requests not written yet (read anew each time: the connection replaces its outbox on each write). */
    private readonly outbox: () => readonly Request[],
  ) {}

  /** Resolves once every pending command has settled, or at `release()`. */
  wait(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      this.resolveOnceSettled();
    });
  }

  /** The wait is over: no more looking at deadlines. */
  stopTimer(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
  }

  /** Lets every waiter go: the last reply came, or the connection was lost. */
  release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Releases the waiters if no pending request is left unsettled, else looks again after the latest deadline. */
  private resolveOnceSettled(): void {
    this.settleTimer = null;
    if (!this.isClosing()) return;
    const inflight = this.inflight.drain();
    for (const request of inflight) this.inflight.push(request);
    let latest = 0;
    for (const request of [...inflight, ...this.outbox()]) {
      if (request.done) continue;
      if (request.deadlineList === null) return; // no deadline: only its reply settles it
      latest = Math.max(latest, request.deadlineAt);
    }
    if (latest === 0) {
      this.release();
      return;
    }
    this.settleTimer = setTimeout(() => this.resolveOnceSettled(), Math.max(0, latest - deadlineNow()) + 1);
  }
}
