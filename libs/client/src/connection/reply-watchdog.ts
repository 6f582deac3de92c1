import { deadlineNow } from '../util/deadlines.js';
import type { OverdueReplyListener, Request } from './request.js';

/**
 * Notices a connection that owes replies but has stopped delivering them: a half-open socket, a network path that
 * swallows packets, a reply that stops half-way. TCP keepalive cannot tell while the peer's kernel still
 * acknowledges, and a PING would only queue behind the missing reply. What tells is reply progress: the connection
 * is stuck when the oldest reply it owes is overdue (its request's deadline has passed) and not one byte has been
 * read for `silenceLimitMs` while replies were owed. A connection that keeps delivering, however slowly (a big
 * reply trickling in, a long queue draining), is never stuck; nor is one whose oldest request is a blocking command
 * still within its own, longer, deadline.
 *
 * It looks when a written request's deadline passes, and again when the silence would reach the limit; otherwise it
 * only notes when bytes arrive (no timer, no PING).
 */
export class ReplyWatchdog implements OverdueReplyListener {
  private quietSince = Date.now();
  private recheckTimer: NodeJS.Timeout | null = null;
  private confirming = false;
  private stopped = false;

  constructor(
    private readonly silenceLimitMs: number,
    /** The oldest request still owed a reply, if any. */
    private readonly oldestOwed: () => Request | undefined,
    /** Runs once, when the connection is found stuck. */
    private readonly onStuck: (silentMs: number) => void,
  ) {}

  /** Bytes arrived, or a reply became due on a connection that owed none: the silence counts from now. */
  resetSilence(): void {
    this.quietSince = Date.now();
  }

  replyOverdue(): void {
    this.evaluate(false);
  }

  /** The connection is gone: nothing more to watch. */
  stop(): void {
    this.stopped = true;
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckTimer = null;
  }

  private evaluate(confirmed: boolean): void {
    const oldest = this.oldestOwed();
    const now = Date.now();
    if (this.stopped || oldest === undefined || oldest.deadlineAt === 0 || oldest.deadlineAt > deadlineNow())
      return;
    const silentMs = now - this.quietSince;
    if (silentMs < this.silenceLimitMs) {
      this.recheckAfter(this.silenceLimitMs - silentMs);
    } else if (confirmed) {
      this.stop();
      this.onStuck(silentMs);
    } else if (!this.confirming) {
      // Timers run before the event loop reads the sockets: after the loop was blocked for a while, replies may be
      // waiting unread. Judge once they have been read.
      this.confirming = true;
      setImmediate(this.confirm);
    }
  }

  private readonly confirm = (): void => {
    this.confirming = false;
    this.evaluate(true);
  };

  private recheckAfter(ms: number): void {
    if (this.recheckTimer) return; // due sooner: the silence only ever restarts later
    this.recheckTimer = setTimeout(this.recheck, ms);
    this.recheckTimer.unref();
  }

  private readonly recheck = (): void => {
    this.recheckTimer = null;
    this.evaluate(false);
  };
}
