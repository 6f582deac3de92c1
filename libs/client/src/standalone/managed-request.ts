import { Request } from '../connection/request.js';
import { ClosedError, ConnectionError, OutcomeUnknownError, ReplyError, TimeoutError } from '../errors.js';
import { deadlines } from '../util/deadlines.js';

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
export class ManagedRequest<T> extends Request {
  readonly promise: Promise<T>;
  private resolve!: (value: T) => void;
  private reject!: (error: Error) => void;

  constructor(
    name: string,
    payload: string | Buffer,
    returnBuffers: boolean,
    private readonly transform: ((reply: unknown) => T) | undefined,
    private readonly readonly: boolean,
    private readonly owner: RequestOwner,
    timeoutMs: number,
  ) {
    super(name, payload, returnBuffers);
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (timeoutMs > 0 && timeoutMs < Number.POSITIVE_INFINITY) deadlines.add(this, timeoutMs);
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
    this.settle();
    if (this.transform === undefined) {
      this.resolve(value as T);
      return;
    }
    try {
      this.resolve(this.transform(value));
    } catch (error) {
      this.reject(error as Error);
    }
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
    this.fail(
      new OutcomeUnknownError(
        `${this.name} was sent to ${address} but the connection was lost before its reply; it may or may not have run (it is not re-sent: set retryWrites to re-send writes)`,
        this.name,
        address,
        { cause: error },
      ),
    );
  }

  onDeadline(): void {
    if (this.done) return;
    this.done = true;
    this.payload = '';
    const state = this.owner.describeState();
    const where = this.written
      ? `waiting for its reply from ${this.owner.address}`
      : `waiting for ${this.owner.address}`;
    this.reject(
      new TimeoutError(
        `${this.name} timed out ${where}${state ? ` (${state})` : ''}`,
        this.name,
        this.owner.address,
      ),
    );
  }

  /** Fails the request now, e.g. when the manager is closed. */
  fail(error: Error): void {
    if (this.done) return;
    this.settle();
    this.reject(error);
  }

  private settle(): void {
    this.done = true;
    this.payload = '';
    deadlines.remove(this);
  }
}

export function closedError(address: string): ClosedError {
  return new ClosedError(
    `the connection to ${address} was closed by the application; create a new one to continue`,
  );
}
