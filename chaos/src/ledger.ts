// Every command a scenario issues goes through one ledger, so that "every promise settled" is a count, not a hope.

/**
 * A short, stable label for an error: keyslot's code without its `ERR_KEYSLOT_` prefix (plus the server's prefix for
 * replies); for other clients, the error's name and the server's prefix, or its message with numbers masked.
 */
export function errorLabel(error: unknown): string {
  const e = error as { code?: unknown; prefix?: unknown; name?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && e.code.startsWith('ERR_KEYSLOT_')) {
    const code = e.code.slice('ERR_KEYSLOT_'.length);
    return code === 'REPLY' && typeof e.prefix === 'string' ? `REPLY ${e.prefix}` : code;
  }
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const word = message.split(' ', 1)[0]!;
  if (/^[A-Z]{3,}$/.test(word)) return `${name} ${word}`;
  const masked = message.replace(/\d+(\.\d+)*/g, 'N');
  return `${name}: ${masked.length > 60 ? `${masked.slice(0, 57)}...` : masked}`;
}

/** Counts issued, settled, succeeded and failed commands (by error label), and keeps a few examples. */
export class CommandLedger {
  issued = 0;
  settled = 0;
  succeeded = 0;
  failed = 0;
  readonly failures = new Map<string, number>();
  /** The first message seen for each label, for the report. */
  readonly examples = new Map<string, string>();
  /** The longest a failure took to come back, from issue to rejection, by label (ms). */
  readonly slowestFailureMs = new Map<string, number>();

  /** Records `promise` as issued now; returns it unchanged (its rejection still reaches the caller). */
  track<T>(promise: Promise<T>): Promise<T> {
    this.issued++;
    const issuedAt = Date.now();
    return promise.then(
      (value) => {
        this.settled++;
        this.succeeded++;
        return value;
      },
      (error: unknown) => {
        this.settled++;
        this.failed++;
        const label = errorLabel(error);
        this.failures.set(label, (this.failures.get(label) ?? 0) + 1);
        this.slowestFailureMs.set(
          label,
          Math.max(this.slowestFailureMs.get(label) ?? 0, Date.now() - issuedAt),
        );
        if (!this.examples.has(label)) this.examples.set(label, String((error as Error)?.message ?? error));
        throw error;
      },
    );
  }

  /**
   * Records a fire-and-forget command: counted like `track`, with shared handlers and no time of issue, so that the
   * suite keeps no more per pending command than an application that only catches its commands' errors (one
   * reaction) and the heap measured is the client's, not the bookkeeping's. Nothing is returned to wait on.
   */
  trackIgnored(promise: Promise<unknown>): void {
    this.issued++;
    promise.then(this.ignoredSucceeded, this.ignoredFailed);
  }

  private readonly ignoredSucceeded = (): void => {
    this.settled++;
    this.succeeded++;
  };

  private readonly ignoredFailed = (error: unknown): void => {
    this.settled++;
    this.failed++;
    const label = errorLabel(error);
    this.failures.set(label, (this.failures.get(label) ?? 0) + 1);
    if (!this.examples.has(label)) this.examples.set(label, String((error as Error)?.message ?? error));
  };

  /** Commands issued and not settled yet. */
  get unsettled(): number {
    return this.issued - this.settled;
  }

  /** Failures by label, as a plain object sorted by count. */
  failuresByLabel(): Record<string, number> {
    return Object.fromEntries([...this.failures].sort((a, b) => b[1] - a[1]));
  }
}
