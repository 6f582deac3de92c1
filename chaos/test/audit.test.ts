// The exact INCR audit on hand-made histories: what it must see that a count of the final value cannot.
import { describe, expect, it } from 'vitest';
import { auditIncrs, KeyAudit } from '../src/audit.js';

/** Feeds a history: numbers are acknowledged values, 'u' an outcome-unknown INCR, 'c' a WAIT confirming the last. */
function replay(history: (number | 'u' | 'c')[], final: number): KeyAudit {
  const audit = new KeyAudit();
  let last = 0;
  for (const event of history) {
    if (event === 'u') audit.unknown();
    else if (event === 'c') audit.confirmed(last);
    else {
      last = event;
      audit.acked(event);
    }
  }
  auditIncrs([audit], [final]);
  return audit;
}

describe('KeyAudit', () => {
  it('a clean history: no duplicate, no loss', () => {
    expect(replay([1, 2, 3], 3)).toMatchObject({ duplicates: 0, lostAcked: 0 });
  });

  it('jumps explained by outcome-unknown INCRs, applied at once or later, are no duplicates', () => {
    expect(replay([1, 'u', 3, 'u', 4, 6], 6)).toMatchObject({ duplicates: 0, lostAcked: 0 });
    expect(replay([1, 'u', 2], 3)).toMatchObject({ duplicates: 0, lostAcked: 0 });
  });

  it('a duplicate that a later, never-applied outcome-unknown INCR hides from the final count is found', () => {
    // value − acked − unknown = 3 − 2 − 1 = 0: the old audit saw nothing.
    expect(replay([1, 3, 'u'], 3)).toMatchObject({ duplicates: 1 });
  });

  it('each outcome-unknown INCR explains one step only, once', () => {
    expect(replay(['u', 2, 4], 4)).toMatchObject({ duplicates: 1 });
    expect(replay([1, 2], 4)).toMatchObject({ duplicates: 2 });
  });

  it('acknowledged values the counter went back below are lost, even when later INCRs make the final count up', () => {
    // acked 1..5, the promoted replica had 3: the next INCR says 4. The final count (6 = 6 acked) hides it.
    const audit = replay([1, 2, 3, 4, 5, 4, 'u'], 6);
    expect(audit).toMatchObject({ lostAcked: 2, lostConfirmed: 0 });
  });

  it('a loss of a value a WAIT had confirmed is counted apart', () => {
    expect(replay([1, 'c', 2, 'c', 3, 2], 2)).toMatchObject({ lostAcked: 2, lostConfirmed: 1 });
  });

  it('the final counter below the last acknowledged value is a loss', () => {
    expect(replay([1, 2, 3], 1)).toMatchObject({ lostAcked: 2, duplicates: 0 });
  });

  it('with a window, older values are dropped and a loss reaching below them is flagged', () => {
    const audit = new KeyAudit(0, 4);
    for (let value = 1; value <= 10; value++) audit.acked(value);
    audit.acked(2);
    expect(audit.lossBeyondWindow).toBe(true);
    const shallow = new KeyAudit(0, 4);
    for (let value = 1; value <= 10; value++) shallow.acked(value);
    shallow.acked(10);
    expect(shallow).toMatchObject({ lostAcked: 1, lossBeyondWindow: false });
  });
});
