import { waitsForOwnWrites } from '../commands/blocking.js';
import { type RequestSettler, SettlingRequest } from '../connection/settling-request.js';
import { publishRetry } from '../diagnostics-events.js';
import { ClosedError, TimeoutError } from '../errors.js';
import type { EncodedCommand } from '../resp/encode-command.js';
import { classifyFailure, finalError, RetryAction, resends } from '../retry/retry-policy.js';
import type { Admission } from '../util/admission.js';

/** What a managed request needs from the manager that owns it. */
export interface RequestOwner {
  /**
   * Sends again: once connected; first after the backoff delay of attempt `backoffAttempt` when given (the
   * request's retries before this one, so that each wait may be longer than the last).
   */
  resend(request: ManagedRequest<unknown>, backoffAttempt: number | undefined): void;
  /** Says why the last connection attempt failed, for timeout messages. */
  describeState(): string;
  readonly address: string;
  readonly retryWrites: boolean;
  /** Counts the request from creation until it settles. */
  readonly admission: Admission;
}

/**
 * A request of the `ConnectionManager`: survives reconnects. What a failure means is the retry policy's answer
 * (`classifyFailure`): re-sent once reconnected when it cannot have run or is read-only, after a backoff delay on a
 * LOADING-like reply; a written write whose connection was lost fails as outcome-unknown unless the user opted in
 * to retrying writes. One deadline covers every attempt.
 */
export class ManagedRequest<T> extends SettlingRequest<T> {
  /** Times it was sent again, for the `keyslot:retry` channel. */
  private retries = 0;
  /** The failure that last made it go out again: a timeout on the next connection still says why. */
  private resentAfter: Error | undefined;

  constructor(
    name: string,
    payload: EncodedCommand,
    returnBuffers: boolean,
    transform: ((reply: unknown) => T) | undefined,
    private readonly readonly: boolean,
    private readonly owner: RequestOwner,
    timeoutMs: number,
    /** Settled instead of a promise of its own when given (a cache miss). */
    settler?: RequestSettler<T>,
  ) {
    super(name, payload, returnBuffers, transform, timeoutMs, settler);
    owner.admission.admit();
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
    const action = classifyFailure(error, {
      written: this.written,
      resendable: this.readonly,
      retryWrites: this.owner.retryWrites,
      ownConnection: waitsForOwnWrites(this.name),
      scope: 'standalone',
    });
    if (resends(action)) {
      // It did not run (or may run twice): a later connection loss must not take it for a written write.
      this.written = false;
      publishRetry(this.name, ++this.retries, address, error);
      this.resentAfter = error;
      // Each retry of the same request may wait longer than the one before (a server loading for minutes).
      this.owner.resend(
        this as ManagedRequest<unknown>,
        action === RetryAction.Reconnect ? undefined : this.retries - 1,
      );
      return;
    }
    this.fail(finalError(action, error, this.name, address));
  }

  protected override ended(): void {
    this.owner.admission.release();
  }

  protected timeoutError(): Error {
    // Reconnected but timed out again (a server that hangs up on every command): still name the last loss.
    const state =
      this.owner.describeState() || (this.resentAfter ? `sent again after: ${this.resentAfter.message}` : '');
    const where = this.written
      ? `waiting for its reply from ${this.owner.address}`
      : `waiting for ${this.owner.address}`;
    return new TimeoutError(
      `${this.name} timed out ${where}${state ? ` (${state})` : ''}`,
      this.name,
      this.owner.address,
    );
  }
}

export function closedError(address: string): ClosedError {
  return new ClosedError(
    `the connection to ${address} was closed by the application; create a new one to continue`,
  );
}
