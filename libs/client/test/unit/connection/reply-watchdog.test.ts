import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReplyWatchdog } from '../../../src/connection/reply-watchdog.js';
import type { Request } from '../../../src/connection/request.js';
import { deadlineNow } from '../../../src/util/deadlines.js';

const LIMIT_MS = 1_000;

/** The oldest request owed a reply, as a test changes it. */
type Oldest = { current: Partial<Request> | undefined };

/** A watchdog over a queue whose oldest request is `oldest.current`; `stuck` records each call of `onStuck`. */
function watch(oldest: Oldest) {
  const stuck: number[] = [];
  const watchdog = new ReplyWatchdog(
    LIMIT_MS,
    () => oldest.current as Request | undefined,
    (silentMs) => stuck.push(silentMs),
  );
  return { watchdog, stuck };
}

/** `onStuck` ran once, after at least the limit of silence. */
function expectStuckOnce(stuck: number[]): void {
  expect(stuck).toHaveLength(1);
  expect(stuck[0]).toBeGreaterThanOrEqual(LIMIT_MS);
}

/** A request whose deadline is `ms` from now (0: it has none). */
function dueIn(ms: number): Partial<Request> {
  return { deadlineAt: ms === 0 ? 0 : deadlineNow() + ms };
}

describe('ReplyWatchdog', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('an overdue reply after a whole limit without a byte: stuck, once, after pending I/O had its turn', () => {
    const oldest: Oldest = { current: dueIn(LIMIT_MS) };
    const { watchdog, stuck } = watch(oldest);
    watchdog.resetSilence(); // the request is written to an idle connection
    vi.advanceTimersByTime(LIMIT_MS);
    watchdog.replyOverdue();
    watchdog.replyOverdue();
    expect(stuck).toEqual([]); // not yet: confirmed on the next turn of the event loop
    vi.runOnlyPendingTimers();
    expectStuckOnce(stuck);
    watchdog.replyOverdue();
    vi.runAllTimers();
    expect(stuck).toHaveLength(1);
  });

  it('bytes read before the confirmation (the event loop was late) clear the suspicion', () => {
    const oldest: Oldest = { current: dueIn(LIMIT_MS) };
    const { watchdog, stuck } = watch(oldest);
    watchdog.resetSilence();
    vi.advanceTimersByTime(LIMIT_MS);
    watchdog.replyOverdue();
    watchdog.resetSilence(); // read in the same turn, after the deadline timers ran
    oldest.current = undefined; // and it completed the reply
    vi.runAllTimers();
    expect(stuck).toEqual([]);
  });

  it('recent progress: looks again once the silence would reach the limit, and acts only if it did', () => {
    const oldest: Oldest = { current: dueIn(LIMIT_MS) };
    const { watchdog, stuck } = watch(oldest);
    vi.advanceTimersByTime(LIMIT_MS - 300);
    watchdog.resetSilence(); // part of the reply arrived
    vi.advanceTimersByTime(300);
    watchdog.replyOverdue();
    vi.advanceTimersByTime(LIMIT_MS - 301);
    watchdog.resetSilence(); // more of it
    vi.advanceTimersByTime(1);
    expect(stuck).toEqual([]);
    vi.advanceTimersByTime(LIMIT_MS); // then nothing more, ever
    vi.runOnlyPendingTimers();
    expectStuckOnce(stuck);
  });

  it('a connection that keeps delivering is never stuck, however long its oldest reply is overdue', () => {
    const oldest: Oldest = { current: dueIn(LIMIT_MS) };
    const { watchdog, stuck } = watch(oldest);
    for (let i = 0; i < 100; i++) {
      vi.advanceTimersByTime(LIMIT_MS / 2);
      watchdog.resetSilence();
      if (i % 10 === 1) watchdog.replyOverdue(); // commands queued behind it time out now and then
    }
    expect(stuck).toEqual([]);
  });

  it('an oldest request within its own deadline (a blocking command) or without one: not judged', () => {
    for (const blocking of [dueIn(60_000), dueIn(0)]) {
      const oldest: Oldest = { current: blocking };
      const { watchdog, stuck } = watch(oldest);
      vi.advanceTimersByTime(10 * LIMIT_MS); // a command queued behind it timed out meanwhile
      watchdog.replyOverdue();
      vi.runOnlyPendingTimers();
      expect(stuck).toEqual([]);
    }
  });

  it('nothing owed, or stopped: nothing happens', () => {
    const oldest: Oldest = { current: undefined };
    const { watchdog, stuck } = watch(oldest);
    vi.advanceTimersByTime(10 * LIMIT_MS);
    watchdog.replyOverdue();
    oldest.current = dueIn(LIMIT_MS);
    vi.advanceTimersByTime(10 * LIMIT_MS);
    watchdog.stop();
    watchdog.replyOverdue();
    vi.runAllTimers();
    expect(stuck).toEqual([]);
  });
});
