// After the load: what the servers hold against what the callers were told.

/** What each caller saw of its INCRs. */
export interface IncrCounts {
  readonly acked: readonly number[];
  /** INCRs whose outcome is unknown to the caller (they may or may not have run). */
  readonly unknown: readonly number[];
}

export interface IncrAudit {
  /** Increments beyond every INCR that could have run: some INCR was applied twice. */
  duplicates: number;
  /** Acknowledged increments the server does not hold. */
  lostAcked: number;
  keysWithDuplicates: number;
  keysWithLoss: number;
}

/**
 * Per key, with `value` the server's counter: duplicates = max(0, value − acked − unknown) and
 * lost = max(0, acked − value); summed over the keys.
 */
export function auditIncrs(counts: IncrCounts, values: readonly (string | number | null)[]): IncrAudit {
  const audit: IncrAudit = { duplicates: 0, lostAcked: 0, keysWithDuplicates: 0, keysWithLoss: 0 };
  counts.acked.forEach((acked, i) => {
    const value = Number(values[i] ?? 0);
    const duplicates = Math.max(0, value - acked - counts.unknown[i]!);
    const lost = Math.max(0, acked - value);
    audit.duplicates += duplicates;
    audit.lostAcked += lost;
    if (duplicates > 0) audit.keysWithDuplicates++;
    if (lost > 0) audit.keysWithLoss++;
  });
  return audit;
}
