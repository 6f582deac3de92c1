/**
 * Per-command deadlines without a timer per command. Entries with the same duration expire in the order they were
 * added, so each duration gets one intrusive doubly linked list and one timer (the idea behind Node's own timer
 * lists, minus the Timeout object per command). Adding and removing are O(1) and keep nothing alive once removed.
 */

/**
 * Deadlines are counted in ms from just before this module loaded, not from the epoch: a small integer is stored in
 * the request itself, where an epoch timestamp (beyond 2^31) would take a heap number of 16 bytes per pending
 * command. (Past 24 days of uptime the values grow beyond that again; nothing else changes.)
 */
const ORIGIN = Date.now() - 1;

/** Now, on the clock of `deadlineAt`. */
export function deadlineNow(): number {
  return Date.now() - ORIGIN;
}

/** Something with a deadline. The list links live on the entry itself so tracking allocates nothing. */
export interface DeadlineEntry {
  /** When it expires, on the clock of {@link deadlineNow}; 0 while it has none. */
  deadlineAt: number;
  deadlinePrev: DeadlineEntry | null;
  deadlineNext: DeadlineEntry | null;
  deadlineList: DeadlineList | null;
  /** Called once when the deadline passes and the entry was not removed before, with the duration it was given. */
  onDeadline(durationMs: number): void;
}

export class DeadlineList {
  head: DeadlineEntry | null = null;
  tail: DeadlineEntry | null = null;
  timer: NodeJS.Timeout | null = null;
  constructor(
    readonly durationMs: number,
    private readonly owner: Deadlines,
  ) {}

  append(entry: DeadlineEntry): void {
    entry.deadlineList = this;
    entry.deadlinePrev = this.tail;
    entry.deadlineNext = null;
    if (this.tail) this.tail.deadlineNext = entry;
    else this.head = entry;
    this.tail = entry;
    if (!this.timer) this.arm(entry.deadlineAt);
  }

  unlink(entry: DeadlineEntry): void {
    if (entry.deadlinePrev) entry.deadlinePrev.deadlineNext = entry.deadlineNext;
    else this.head = entry.deadlineNext;
    if (entry.deadlineNext) entry.deadlineNext.deadlinePrev = entry.deadlinePrev;
    else this.tail = entry.deadlinePrev;
    entry.deadlinePrev = entry.deadlineNext = null;
    entry.deadlineList = null;
  }

  private arm(at: number): void {
    this.timer = setTimeout(this.fire, Math.max(0, at - deadlineNow()));
    this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = null;
    const now = deadlineNow();
    let entry = this.head;
    while (entry && entry.deadlineAt <= now) {
      this.unlink(entry);
      entry.onDeadline(this.durationMs);
      entry = this.head;
    }
    if (entry) this.arm(entry.deadlineAt);
    else this.owner.dropList(this);
  };
}

let burstStart = -1;
const endBurst = (): void => {
  burstStart = -1;
};

/**
 * The clock, read once per run of synchronous code (until the microtasks queued so far have run): a burst of a
 * thousand commands reads it once instead of a thousand times, and a read costs tens of ns on a VM. A deadline may
 * thus start as much as one burst early, which is nothing next to command timeouts.
 */
function burstNow(): number {
  if (burstStart < 0) {
    burstStart = deadlineNow();
    queueMicrotask(endBurst);
  }
  return burstStart;
}

/** Tracks deadlines of any number of entries with one timer per distinct duration. */
export class Deadlines {
  private readonly lists = new Map<number, DeadlineList>();

  /** Starts the clock: `entry.onDeadline()` runs `durationMs` from now unless `remove(entry)` runs first. */
  add(entry: DeadlineEntry, durationMs: number): void {
    const duration = Math.max(0, Math.ceil(durationMs));
    entry.deadlineAt = burstNow() + duration;
    let list = this.lists.get(duration);
    if (!list) {
      list = new DeadlineList(duration, this);
      this.lists.set(duration, list);
    }
    list.append(entry);
  }

  /** Stops the clock for an entry; harmless when it was never added or already fired. */
  remove(entry: DeadlineEntry): void {
    entry.deadlineList?.unlink(entry);
  }

  /** @internal */
  dropList(list: DeadlineList): void {
    if (list.head === null && this.lists.get(list.durationMs) === list) this.lists.delete(list.durationMs);
  }
}

/** The process-wide deadline tracker shared by every connection. */
export const deadlines = new Deadlines();
