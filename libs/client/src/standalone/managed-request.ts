import { SettlingRequest } from '../connection/settling-request.js';
import { ClosedError, ConnectionError, ReplyError, TimeoutError } from '../errors.js';

/** What a managed request needs from the manager that owns it. */
export interface RequestOwner {
  /** Sends again: once connected, and after a backoff delay when `later`. */
  resend(request: ManagedRequest<unknown>, later: boolean): void;
  /** Says why the last connection attempt failed, for timeout messages. */
  describeState(): string;
  readonly address: string;
  readonly retryWrites: boolean;
}

/** Replies that mean "not now, try again": the command did not run. */
const TRANSIENT_PREFIXES = new Set(['LOADING', 'MASTERDOWN', 'TRYAGAIN']);

/**
 * A request of the `ConnectionManager`: survives reconnects. It is re-sent when it cannot have run (never written,
 * or a LOADING-like reply) or is read-only; a written write whose connection was lost fails as outcome-unknown
 * unless the user opted in to retrying writes. One deadline covers every attempt.
 */
export class ManagedRequest<T> extends SettlingRequest<T> {
  constructor(
    name: string,
    payload: string | Buffer,
    returnBuffers: boolean,
    transform: ((reply: unknown) => T) | undefined,
    private readonly readonly: boolean,
    private readonly owner: RequestOwner,
    timeoutMs: number,
  ) {
    super(name, payload, returnBuffers, transform, timeoutMs);
  }

  onReply(value: unknown, address: string): void {
    if (this.done) return;
    if (value instanceof ReplyError) {
      if (TRANSIENT_PREFIXES.has(value.prefix)) {
        this.written = false;
        this.owner.resend(this as ManagedRequest<unknown>, true);
        return;
      }
      value.command = this.name;
      value.node = address;
      this.fail(value);
      return;
    }
    this.succeed(value);
  }

  onFailure(error: Error, address: string): void {
    if (this.done) return;
    if (!(error instanceof ConnectionError)) {
      this.fail(error);
      return;
    }
    if (!this.written || this.readonly || this.owner.retryWrites) {
      this.written = false;
      this.owner.resend(this as ManagedRequest<unknown>, false);
      return;
    }
    this.fail(this.outcomeUnknown(address, error));
  }

  protected timeoutError(): Error {
    const state = this.owner.describeState();
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
