import { QueueFullError } from '../errors.js';

/**
 * The one admission point for `maxPending` of a connection the user holds (a cluster connection, a connection
 * manager): counts each command once, from the moment it is accepted until it settles, wherever it waits meanwhile
 * (a node's queue, the topology, a retry delay, the socket), and refuses new commands beyond the limit. The queues
 * further down never refuse a command that was admitted here; they only drop entries that settled while waiting.
 */
export class Admission {
  /** Commands admitted and not settled yet. */
  pending = 0;

  constructor(
    readonly limit: number,
    /** Where commands wait, for the error message: "on this cluster connection", "for 127.0.0.1:6379". */
    private readonly where: string,
  ) {}

  /** Undefined when there is room for one more command; otherwise the error to fail it with (nothing is counted). */
  refusal(name: string): QueueFullError | undefined {
    return this.pending < this.limit ? undefined : queueFullError(name, this.limit, this.where);
  }

  /** Counts an admitted command; `release()` exactly once when it settles. */
  admit(): void {
    this.pending++;
  }

  release(): void {
    this.pending--;
  }
}

/** The error of a command refused because `limit` commands are already waiting `where`. */
export function queueFullError(name: string, limit: number, where: string): QueueFullError {
  return new QueueFullError(
    `${name} rejected: ${limit} commands are already waiting ${where} (raise maxPending, or slow down)`,
  );
}
