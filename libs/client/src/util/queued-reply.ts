/** Told when a queued reply settles (a batch's `exec()` collects its results this way). */
export interface ReplyListener {
  settled(index: number, result: PromiseSettledResult<unknown>): void;
}

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;

/**
 * What a typed method returns on a batch or a transaction: a promise of that command's own result, made real only
 * if somebody asks. Most callers read the results from `exec()` alone, so a thousand queued commands cost no
 * promise, no `.catch` guard and no microtask each. It behaves as a promise for `await`, `then`, `catch`,
 * `finally`, `Promise.all` and friends; only `instanceof Promise` tells it apart. An unobserved failure is reported
 * by `exec()` and never becomes an unhandled rejection. It is also the request's settler (`resolve`/`reject`).
 */
export class QueuedReply<T> implements Promise<T> {
  private state = PENDING;
  private outcome: unknown;
  private promise: Promise<T> | undefined;
  private resolvePromise: ((value: T) => void) | undefined;
  private rejectPromise: ((reason: Error) => void) | undefined;
  /** @internal Set by `exec()`: where to report, and at which position. */
  listener: ReplyListener | undefined;
  index = 0;

  /** On the prototype, not a field: one property fewer to store per queued command. */
  get [Symbol.toStringTag](): string {
    return 'Promise';
  }

  resolve(value: T): void {
    if (this.state !== PENDING) return;
    this.state = FULFILLED;
    this.outcome = value;
    this.listener?.settled(this.index, { status: 'fulfilled', value });
    this.resolvePromise?.(value);
  }

  reject(reason: Error): void {
    if (this.state !== PENDING) return;
    this.state = REJECTED;
    this.outcome = reason;
    this.listener?.settled(this.index, { status: 'rejected', reason });
    this.rejectPromise?.(reason);
  }

  // biome-ignore lint/suspicious/noThenProperty: a promise made on demand is the point of this class
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.real().then(onFulfilled, onRejected);
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.real().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.real().finally(onFinally);
  }

  /** The real promise, created on first use (already settled when the command was). */
  private real(): Promise<T> {
    if (this.promise !== undefined) return this.promise;
    if (this.state === FULFILLED) this.promise = Promise.resolve(this.outcome as T);
    else if (this.state === REJECTED) this.promise = Promise.reject(this.outcome);
    else {
      this.promise = new Promise<T>((resolve, reject) => {
        this.resolvePromise = resolve;
        this.rejectPromise = reject;
      });
    }
    return this.promise;
  }
}
