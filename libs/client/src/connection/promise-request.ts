import { ConnectionError, OutcomeUnknownError, ReplyError, TimeoutError } from '../errors.js';
import { deadlines } from '../util/deadlines.js';
import { Request } from './request.js';

/** A request that settles a promise: what a caller of one plain connection gets. */
export class PromiseRequest<T> extends Request {
  readonly promise: Promise<T>;
  private resolve!: (value: T) => void;
  private reject!: (error: Error) => void;

  constructor(
    name: string,
    payload: string | Buffer,
    returnBuffers: boolean,
    private readonly transform: ((reply: unknown) => T) | undefined,
    /** Where the command is going, for the timeout message. */
    private readonly address: string,
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
    this.settle();
    if (value instanceof ReplyError) {
      value.command = this.name;
      value.node = address;
      this.reject(value);
    } else if (this.transform === undefined) {
      this.resolve(value as T);
    } else {
      try {
        this.resolve(this.transform(value));
      } catch (error) {
        this.reject(error as Error);
      }
    }
  }

  onFailure(error: Error, address: string): void {
    if (this.done) return;
    this.settle();
    this.reject(describeFailure(this.name, this.written, error, address));
  }

  onDeadline(): void {
    if (this.done) return;
    this.done = true;
    this.payload = '';
    const where = this.written
      ? `waiting for its reply from ${this.address}`
      : `waiting to be sent to ${this.address}`;
    this.reject(new TimeoutError(`${this.name} timed out ${where}`, this.name, this.address));
  }

  private settle(): void {
    this.done = true;
    this.payload = '';
    deadlines.remove(this);
  }
}

/** Turns a connection failure into what the caller must know: whether the command may have run. */
export function describeFailure(name: string, written: boolean, error: Error, address: string): Error {
  if (!(error instanceof ConnectionError)) return error;
  if (written) {
    return new OutcomeUnknownError(
      `${name} was sent to ${address} but the connection was lost before its reply; it may or may not have run`,
      name,
      address,
      { cause: error },
    );
  }
  return new ConnectionError(`${name} was not sent: ${error.message}`, address, { cause: error });
}
