import { type RequestSettler, SettlingRequest } from '../connection/settling-request.js';
import { ClusterError, ConnectionError, ReplyError, TimeoutError } from '../errors.js';

/** What a cluster request needs from the router that owns it. */
export interface RequestRouter {
  /** Sends the request to the node its slot (or explicit target) maps to now. */
  route(request: ClusterRequest<unknown>): void;
  /** A MOVED reply: the slot lives at `address` now. */
  moved(request: ClusterRequest<unknown>, slot: number, address: string, from: string): void;
  /** An ASK reply: send this request once to `address`, after ASKING. */
  ask(request: ClusterRequest<unknown>, address: string): void;
  /** Sends again after a backoff delay; refreshes the topology first when `refresh`. */
  retryLater(request: ClusterRequest<unknown>, refresh: boolean): void;
  /** What is going on, for timeout messages (e.g. "refreshing topology"). */
  describeState(): string;
  /** A request was created / settled: the router counts the requests not settled yet, to bound them. */
  requestStarted(): void;
  requestEnded(): void;
  readonly retryWrites: boolean;
  readonly maxRedirects: number;
}

/** Replies that mean the command did not run and may run soon: wait and retry within the deadline. */
export const RETRY_LATER: ReadonlySet<string> = new Set(['TRYAGAIN', 'CLUSTERDOWN', 'LOADING', 'MASTERDOWN']);

/**
 * One command on its way through the cluster. It follows MOVED and ASK, waits out TRYAGAIN/CLUSTERDOWN/LOADING/
 * MASTERDOWN, and is re-sent after a lost connection only when it cannot have run or is read-only (or the user opted
 * in to retrying writes). One deadline covers all of it.
 */
export class ClusterRequest<T> extends SettlingRequest<T> {
  /** Explicit node for the next send (ASK redirect or explicit routing). */
  target: string | undefined;
  /** Send ASKING first (after an ASK redirect). */
  asking = false;
  /** When set, the request must go to this node and never be redirected (fan-out, explicit routing). */
  pinned: string | undefined;
  redirects = 0;
  attempts = 0;
  /** The node the request was last sent to. */
  lastAddress = '';
  lastError: Error | undefined;

  constructor(
    name: string,
    payload: string | Buffer,
    returnBuffers: boolean,
    transform: ((reply: unknown) => T) | undefined,
    /** Hash slot of the keys, or -1 for a keyless command. */
    readonly slot: number,
    /** Read-only, or harmless to repeat: may go to a replica, and is re-sent after a lost connection. */
    readonly readonly: boolean,
    private readonly router: RequestRouter,
    private readonly timeoutMs: number,
    settler?: RequestSettler<T>,
  ) {
    super(name, payload, returnBuffers, transform, timeoutMs, settler);
    router.requestStarted();
  }

  onReply(value: unknown, address: string): void {
    if (this.done) return;
    if (value instanceof ReplyError) {
      this.onErrorReply(value, address);
      return;
    }
    this.succeed(value);
  }

  onFailure(error: Error, address: string): void {
    if (this.done) return;
    this.lastError = error;
    if (!(error instanceof ConnectionError)) {
      this.fail(error);
      return;
    }
    if (!this.written || this.readonly || this.router.retryWrites) {
      this.written = false;
      this.router.retryLater(this as ClusterRequest<unknown>, true);
      return;
    }
    this.fail(this.outcomeUnknown(address, error));
  }

  protected timeoutError(): Error {
    const node = this.lastAddress || 'no node yet';
    const why = this.lastError ? `; last error: ${this.lastError.message}` : '';
    const state = this.router.describeState();
    return new TimeoutError(
      `${this.name} timed out after ${this.timeoutMs} ms (node ${node}${why}${state ? `; ${state}` : ''})`,
      this.name,
      this.lastAddress || undefined,
    );
  }

  protected override ended(): void {
    this.router.requestEnded();
  }

  private onErrorReply(error: ReplyError, address: string): void {
    const prefix = error.prefix;
    if ((prefix === 'MOVED' || prefix === 'ASK') && this.pinned === undefined) {
      if (++this.redirects > this.router.maxRedirects) {
        this.fail(
          new ClusterError(
            `${this.name} was redirected more than ${this.router.maxRedirects} times; the cluster keeps changing (last: ${error.message})`,
          ),
        );
        return;
      }
      const [, slotText, to] = error.message.split(' ');
      const slot = Number(slotText);
      this.written = false;
      if (prefix === 'MOVED') {
        this.router.moved(this as ClusterRequest<unknown>, slot, to!, address);
      } else {
        this.router.ask(this as ClusterRequest<unknown>, to!);
      }
      return;
    }
    if (RETRY_LATER.has(prefix)) {
      this.lastError = error;
      this.written = false;
      this.router.retryLater(
        this as ClusterRequest<unknown>,
        prefix === 'CLUSTERDOWN' || prefix === 'MASTERDOWN',
      );
      return;
    }
    error.command = this.name;
    error.node = address;
    this.fail(error);
  }
}

export type { RequestSettler };
