import { ConnectionError, ReplyError, TimeoutError } from '../errors.js';
import type { EncodedCommand } from '../resp/encode-command.js';
import { outcomeUnknownError } from '../retry/retry-policy.js';
import { SettlingRequest } from './settling-request.js';

/** A request that settles a promise: what a caller of one plain connection gets. */
export class PromiseRequest<T> extends SettlingRequest<T> {
  constructor(
    name: string,
    payload: EncodedCommand,
    returnBuffers: boolean,
    transform: ((reply: unknown) => T) | undefined,
    /** Where the command is going, for the timeout message. */
    private readonly address: string,
    timeoutMs: number,
  ) {
    super(name, payload, returnBuffers, transform, timeoutMs);
  }

  onReply(value: unknown, address: string): void {
    if (this.done) return;
    if (value instanceof ReplyError) {
      value.command = this.name;
      value.node = address;
      this.fail(value);
      return;
    }
    this.succeed(value);
  }

  onFailure(error: Error, address: string): void {
    this.fail(describeFailure(this.name, this.written, error, address));
  }

  protected timeoutError(): Error {
    const where = this.written
      ? `waiting for its reply from ${this.address}`
      : `waiting to be sent to ${this.address}`;
    return new TimeoutError(`${this.name} timed out ${where}`, this.name, this.address);
  }
}

/** Turns a connection failure into what the caller must know: whether the command may have run. */
export function describeFailure(name: string, written: boolean, error: Error, address: string): Error {
  if (!(error instanceof ConnectionError)) return error;
  if (written) return outcomeUnknownError(name, address, error, false);
  return new ConnectionError(`${name} was not sent: ${error.message}`, address, { cause: error });
}
