// What the servers did with each caller's INCRs, judged from every value the caller was told and the final counter.

/**
 * The exact audit of one caller's key. The caller is the key's only writer and runs one command at a time, so each
 * acknowledged INCR returns the counter right after it: consecutive acknowledged values may differ by more than one
 * only by the caller's own outcome-unknown INCRs (each applied at most once, possibly later than the ones that
 * follow it). Every value is checked as it arrives:
 *
 * - a jump that the outcome-unknown INCRs issued so far and not yet used to explain an earlier jump cannot explain
 *   is a **duplicate** (an INCR applied twice);
 * - a value at or below the previous one means the counter went back: every acknowledged value at or above it is
 *   **lost** (and **lost though confirmed** when a WAIT had confirmed it on a replica).
 *
 * The final counter is checked the same way. The acknowledged values still "alive" (not found lost) are kept to
 * count losses; `window` bounds how many per key (the oldest are dropped as settled; a loss reaching below them is
 * flagged, not guessed).
 */
export class KeyAudit {
  /** The last acknowledged value (the counter's value before the first INCR to begin with). */
  private last: number;
  /** Outcome-unknown INCRs not used yet to explain a jump. */
  private unexplained = 0;
  /** Acknowledged values not found lost, increasing; negated once a WAIT confirmed them. */
  private readonly alive: number[] = [];
  /** The highest value dropped from `alive` to respect the window. */
  private droppedUpTo = 0;
  duplicates = 0;
  lostAcked = 0;
  lostConfirmed = 0;
  /** A loss reached below the values kept: the loss counts are then lower bounds. */
  lossBeyondWindow = false;

  constructor(
    initial = 0,
    private readonly window = Number.POSITIVE_INFINITY,
  ) {
    this.last = initial;
  }

  /** An INCR whose outcome is unknown: it may have been applied, once, at any time from now on. */
  unknown(): void {
    this.unexplained++;
  }

  /** An INCR acknowledged with the counter's new value. */
  acked(value: number): void {
    if (value > this.last) {
      this.explainJump(value - this.last - 1);
    } else {
      this.loseFrom(value);
    }
    this.alive.push(value);
    this.last = value;
    if (this.alive.length > this.window) {
      const dropped = this.alive.splice(0, this.alive.length - Math.floor(this.window / 2));
      this.droppedUpTo = Math.abs(dropped[dropped.length - 1]!);
    }
  }

  /** A WAIT confirmed that the INCR acknowledged with `value` (the latest) reached a replica. */
  confirmed(value: number): void {
    const top = this.alive.length - 1;
    if (top >= 0 && this.alive[top] === value) this.alive[top] = -value;
  }

  /** The counter as the server holds it once every command has settled. */
  final(value: number): void {
    if (value >= this.last) {
      this.explainJump(value - this.last);
    } else {
      this.loseFrom(value + 1);
    }
    this.last = value;
  }

  private explainJump(extra: number): void {
    const explained = Math.min(extra, this.unexplained);
    this.unexplained -= explained;
    this.duplicates += extra - explained;
  }

  /** The counter went back below `value`: every acknowledged value from `value` up was lost. */
  private loseFrom(value: number): void {
    const alive = this.alive;
    while (alive.length > 0 && Math.abs(alive[alive.length - 1]!) >= value) {
      if (alive.pop()! < 0) this.lostConfirmed++;
      this.lostAcked++;
    }
    if (alive.length === 0 && this.droppedUpTo >= value) this.lossBeyondWindow = true;
  }
}

/** The audit of every caller's key, summed. */
export interface IncrAudit {
  /** INCRs applied more often than they were issued. */
  duplicates: number;
  /** Acknowledged INCRs the server does not hold any more. */
  lostAcked: number;
  /** ... of which a WAIT had confirmed on a replica. */
  lostConfirmed: number;
  keysWithDuplicates: number;
  keysWithLoss: number;
  /** Some loss reached below the values kept per key (soak): the loss figures are lower bounds. */
  lossBeyondWindow: boolean;
}

/** An audit with nothing found yet. */
export function emptyAudit(): IncrAudit {
  return {
    duplicates: 0,
    lostAcked: 0,
    lostConfirmed: 0,
    keysWithDuplicates: 0,
    keysWithLoss: 0,
    lossBeyondWindow: false,
  };
}

/** Feeds each key's final counter (`values[i]` for caller i) to its audit and sums them up. */
export function auditIncrs(
  audits: readonly KeyAudit[],
  values: readonly (string | number | null)[],
): IncrAudit {
  const total = emptyAudit();
  audits.forEach((audit, i) => {
    audit.final(Number(values[i] ?? 0));
    total.duplicates += audit.duplicates;
    total.lostAcked += audit.lostAcked;
    total.lostConfirmed += audit.lostConfirmed;
    if (audit.duplicates > 0) total.keysWithDuplicates++;
    if (audit.lostAcked > 0) total.keysWithLoss++;
    total.lossBeyondWindow ||= audit.lossBeyondWindow;
  });
  return total;
}
