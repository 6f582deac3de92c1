import { afterEach, describe, expect, it, vi } from 'vitest';
import { type DeadlineEntry, Deadlines, deadlineNow } from '../../../src/util/deadlines.js';

function entry(onDeadline: () => void = () => {}): DeadlineEntry {
  return { deadlineAt: 0, deadlinePrev: null, deadlineNext: null, deadlineList: null, onDeadline };
}

describe('Deadlines', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reads the clock once for a burst of entries, and again after the burst', async () => {
    const deadlines = new Deadlines();
    const now = vi.spyOn(Date, 'now');
    const burst = Array.from({ length: 1000 }, () => entry());
    for (const e of burst) deadlines.add(e, 5000);
    const reads = now.mock.calls.length;
    expect(reads).toBeLessThanOrEqual(2); // the burst's clock, and arming the timer
    expect(new Set(burst.map((e) => e.deadlineAt)).size).toBe(1);
    await Promise.resolve();
    const later = entry();
    deadlines.add(later, 5000);
    expect(now.mock.calls.length).toBeGreaterThan(reads);
    for (const e of [...burst, later]) deadlines.remove(e);
  });

  it('fires entries in order once their time has passed, and never a removed one', async () => {
    const deadlines = new Deadlines();
    const fired: string[] = [];
    const early: string[] = [];
    const tracked = (name: string): DeadlineEntry => {
      const e = entry(() => {
        fired.push(name);
        if (deadlineNow() < e.deadlineAt) early.push(name); // fired before its own deadline
      });
      return e;
    };
    const [a, b, c] = [tracked('a'), tracked('b'), tracked('c')];
    deadlines.add(a, 20);
    deadlines.add(b, 20);
    deadlines.add(c, 20);
    deadlines.remove(b);
    await vi.waitFor(() => expect(fired).toEqual(['a', 'c']), { timeout: 2000, interval: 5 });
    expect(early).toEqual([]);
  });
});
