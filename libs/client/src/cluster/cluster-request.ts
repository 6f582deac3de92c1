import { waitsForOwnWrites } from '../commands/blocking.js';
import { type RequestSettler, SettlingRequest } from '../connection/settling-request.js';
import { ClusterError, type ReplyError, TimeoutError } from '../errors.js';
import type { EncodedCommand } from '../resp/encode-command.js';
import { classifyFailure, finalError, RetryAction, resends } from '../retry/retry-policy.js';
import type { Route } from './route.js';

/** What a cluster request needs from the router that owns it. */
export interface RequestRouter {
  /** Sends the request where its route says now (or parks it until the topology knows). */
  route(request: ClusterRequest<unknown>): void;
  /** A MOVED or ASK reply from `from`: parses it, maps its address, and sends the request on. */
  redirect(request: ClusterRequest<unknown>, reply: ReplyError, from: string): void;
  /** `Reconnect`: routes again now; a node still down keeps it until its one reconnect schedule succeeds. */
  resend(request: ClusterRequest<unknown>): void;
  /** Sends again after a backoff delay; refreshes the topology first when `refresh`. */
  retryLater(request: ClusterRequest<unknown>, refresh: boolean): void;
  /** What is going on, for timeout messages (e.g. "refreshing topology"). */
  describeState(): string;
  /** Why the node at `address` is not connected (its last connection error), for timeout messages. */
  nodeError(address: string): Error | undefined;
  /** A request was created / settled: the router counts the requests not settled yet, to bound them. */
  requestStarted(): void;
  requestEnded(): void;
  readonly retryWrites: boolean;
  readonly maxRedirects: number;
}

/**
 * One command on its way through the cluster. Where it goes is its `route`, one immutable value that a redirect
 * replaces; what a failure means is the retry policy's answer (`classifyFailure`), which this carries out. One
 * deadline covers every attempt.
 */
export class ClusterRequest<T> extends SettlingRequest<T> {
  redirects = 0;
  /** Retries after a backoff delay, or holds after CLUSTERDOWN (see `ClusterDownGate`): the next delay grows with it. */
  attempts = 0;
  /** The node the request was last sent to. */
  lastAddress = '';
  lastError: Error | undefined;

  constructor(
    name: string,
    payload: EncodedCommand,
    returnBuffers: boolean,
    transform: ((reply: unknown) => T) | undefined,
    /** Where it goes: its slot's owner, an ASK target, or a pinned node. */
    public route: Route,
    private readonly router: RequestRouter,
    timeoutMs: number,
    settler?: RequestSettler<T>,
  ) {
    super(name, payload, returnBuffers, transform, timeoutMs, settler);
    router.requestStarted();
  }

  onReply(value: unknown, address: string): void {
    if (this.done) return;
    if (value instanceof Error) {
      this.onFailure(value, address);
      return;
    }
    this.succeed(value);
  }

  onFailure(error: Error, address: string): void {
    if (this.done) return;
    const route = this.route;
    const action = classifyFailure(error, {
      written: this.written,
      resendable: route.readonly,
      retryWrites: this.router.retryWrites,
      ownConnection: waitsForOwnWrites(this.name),
      scope: route.pinned ? 'node' : 'cluster',
    });
    if (action === RetryAction.Redirect) {
      if (++this.redirects > this.router.maxRedirects) {
        this.fail(
          new ClusterError(
            `${this.name} was redirected more than ${this.router.maxRedirects} times; the cluster keeps changing (last: ${error.message})`,
          ),
        );
        return;
      }
      this.written = false;
      this.router.redirect(this as ClusterRequest<unknown>, error as ReplyError, address);
      return;
    }
    if (resends(action)) {
      // It did not run (or may run twice): a later connection loss must not take it for a written write.
      this.lastError = error;
      this.written = false;
      if (action === RetryAction.Reconnect) this.router.resend(this as ClusterRequest<unknown>);
      else this.router.retryLater(this as ClusterRequest<unknown>, action === RetryAction.Refresh);
      return;
    }
    this.fail(finalError(action, error, this.name, address));
  }

  protected timeoutError(timeoutMs: number): Error {
    const node = this.lastAddress || 'no node yet';
    // A request that waited for its node's connection got no failure of its own: the node's says why it waited.
    const error = this.lastError ?? (this.lastAddress ? this.router.nodeError(this.lastAddress) : undefined);
    const why = error ? `; last error: ${error.message}` : '';
    const state = this.router.describeState();
    return new TimeoutError(
      `${this.name} timed out after ${timeoutMs} ms (node ${node}${why}${state ? `; ${state}` : ''})`,
      this.name,
      this.lastAddress || undefined,
    );
  }

  protected override ended(): void {
    this.router.requestEnded();
  }
}

export type { RequestSettler };
