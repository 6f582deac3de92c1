import type { EncodedCommand } from '../resp/encode-command.js';
import { deadlines } from '../util/deadlines.js';
import { Request } from './request.js';

/**
 * Receives a request's outcome instead of a promise (pipelines settle many requests without a promise each).
 * Called as methods, so a settler may be a class instance.
 */
export interface RequestSettler<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

/**
 * A request that settles its caller exactly once: with the reply (through the command's transform), with an error,
 * or with a timeout when its one deadline passes. Subclasses decide what replies and failures mean.
 */
export abstract class SettlingRequest<T> extends Request {
  /** The caller's promise. Not created when a settler was given. */
  readonly promise!: Promise<T>;
  private resolvePromise!: (value: T) => void;
  private rejectPromise!: (error: Error) => void;

  constructor(
    name: string,
    payload: EncodedCommand,
    returnBuffers: boolean,
    private readonly transform: ((reply: unknown) => T) | undefined,
    timeoutMs: number,
    /** Settled instead of a promise of its own when given. */
    private readonly settler?: RequestSettler<T>,
  ) {
    super(name, payload, returnBuffers);
    if (settler === undefined) {
      this.promise = new Promise<T>((resolve, reject) => {
        this.resolvePromise = resolve;
        this.rejectPromise = reject;
      });
    }
    if (timeoutMs > 0 && timeoutMs < Number.POSITIVE_INFINITY) deadlines.add(this, timeoutMs);
  }

  /** Settles the request with an error now (a no-op once settled). */
  fail(error: Error): void {
    if (this.done) return;
    this.settle();
    this.rejectCaller(error);
  }

  onDeadline(durationMs: number): void {
    if (this.done) return;
    this.done = true;
    this.payload = '';
    this.ended();
    this.rejectCaller(this.timeoutError(durationMs));
    // Sent and still unanswered: its connection may be stuck, which only the connection can judge.
    if (this.written) this.writtenTo?.replyOverdue();
  }

  /** Settles the request with a reply, through the command's transform. */
  protected succeed(value: unknown): void {
    this.settle();
    if (this.transform === undefined) {
      this.resolveCaller(value as T);
      return;
    }
    try {
      this.resolveCaller(this.transform(value));
    } catch (error) {
      this.rejectCaller(error as Error);
    }
  }

  /**
   * The error the caller gets when the deadline of `timeoutMs` passes: names the command and the node, never the
   * arguments.
   */
  protected abstract timeoutError(timeoutMs: number): Error;

  /** Runs once when the request settles, however it settles. */
  protected ended(): void {}

  private resolveCaller(value: T): void {
    const settler = this.settler;
    if (settler === undefined) this.resolvePromise(value);
    else settler.resolve(value);
  }

  private rejectCaller(error: Error): void {
    const settler = this.settler;
    if (settler === undefined) this.rejectPromise(error);
    else settler.reject(error);
  }

  private settle(): void {
    this.done = true;
    this.payload = '';
    deadlines.remove(this);
    this.ended();
  }
}
