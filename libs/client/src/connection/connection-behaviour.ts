import type { Command } from '../command.js';

/** Per-connection behaviour chosen by whoever owns the connection. */
export interface ConnectionBehaviour {
  /** Deadline of each command, in ms, covering queueing and waiting for the reply. */
  commandTimeoutMs: number;
  /** Return bulk strings as Buffers by default. */
  returnBuffers?: boolean | undefined;
  /** Receives RESP3 push messages other than subscription confirmations (pub/sub messages, invalidations). */
  onPush?: (push: unknown[]) => void;
  /**
   * Runs a blocking command (BLPOP, XREAD BLOCK...) elsewhere, so it never stalls this shared connection.
   * Without it, the connection runs blocking commands itself (it is then a dedicated connection).
   */
  runBlocking?: <T>(command: Command<T>, blockMs: number) => Promise<T>;
  /**
   * Drop the connection, as lost, once it is stuck: a reply overdue and nothing read for a whole command timeout
   * (see `ReplyWatchdog`). For owners that make a new connection when one is lost; without it a stuck connection
   * stays open and each of its commands times out.
   */
  dropWhenStuck?: boolean | undefined;
}
