import type { EncodedCommand } from '../resp/encode-command.js';
import type { DeadlineEntry, DeadlineList } from '../util/deadlines.js';

/** Told when a request written to its connection reaches its deadline without a reply (see `ReplyWatchdog`). */
export interface OverdueReplyListener {
  replyOverdue(): void;
}

/**
 * One command travelling through a node connection. The connection only writes `payload`, matches the reply and
 * reports back; what a reply or a failure means (resolve, redirect, retry) is decided by the owner's subclass.
 */
export abstract class Request implements DeadlineEntry {
  /** Set once the payload has been handed to the socket: from then on, a lost connection means "outcome unknown". */
  written = false;
  /** Set once the caller's promise is settled; a late reply for a done request is read and dropped. */
  done = false;
  deadlineAt = 0;
  deadlinePrev: DeadlineEntry | null = null;
  deadlineNext: DeadlineEntry | null = null;
  deadlineList: DeadlineList | null = null;
  /** RESP3 answers (un)subscribe with one push per channel instead of a reply: how many are still due. */
  awaitedPushes = 0;
  /** The watchdog of the connection it was last written to, if that connection has one. */
  writtenTo: OverdueReplyListener | null = null;

  constructor(
    /** Command name, for errors and tracing; never the arguments. */
    readonly name: string,
    /** The encoded command. */
    public payload: EncodedCommand,
    readonly returnBuffers: boolean,
  ) {}

  /** The reply (a `ReplyError` value for an error reply) from the node at `address`. */
  abstract onReply(value: unknown, address: string): void;
  /** The command could not get a reply (connection lost, queue full, closed); `written` tells whether it may have run. */
  abstract onFailure(error: Error, address: string): void;
  abstract onDeadline(durationMs: number): void;
}
