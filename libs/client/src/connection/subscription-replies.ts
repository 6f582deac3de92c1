import { encodeCommand } from '../resp/encode-command.js';
import { PromiseRequest } from './promise-request.js';
import type { Request } from './request.js';

// In RESP3 a (un)subscribe is answered not by a reply but by one push per channel; these pushes settle it.

/**
 * A SUBSCRIBE-like command, answered by one push of its own kind per name, in the order of the names. A server also
 * pushes unsubscribes of its own (a sharded channel whose slot moved away): those answer nothing.
 */
class SubscriptionRequest extends PromiseRequest<unknown> {
  /** The kind of push that answers it: `ssubscribe` for SSUBSCRIBE. */
  readonly answerKind: string;

  constructor(
    name: string,
    private readonly names: readonly string[],
    address: string,
    timeoutMs: number,
  ) {
    super(name, encodeCommand(name, names), false, undefined, address, timeoutMs);
    this.answerKind = name.toLowerCase();
    this.awaitedPushes = names.length;
  }

  /** True when the push of `kind` for `channel` is the answer due next. */
  isAnsweredBy(kind: string, channel: unknown): boolean {
    const due = this.names[this.names.length - this.awaitedPushes];
    return kind === this.answerKind && due !== undefined && text(channel) === due;
  }
}

/** A SUBSCRIBE-like command for `names`, waiting for one push per name (in RESP3) or for its replies. */
export function subscriptionRequest(
  name: string,
  names: readonly string[],
  address: string,
  timeoutMs: number,
): PromiseRequest<unknown> {
  return new SubscriptionRequest(name, names, address, timeoutMs);
}

/**
 * The request `push` answers, with the push counted, when it is the push due next for `head` (the oldest request
 * owed a reply); undefined when the push is for the owner (a pub/sub message, an invalidation, an unsubscribe the
 * server made by itself).
 */
export function answeredSubscription(push: unknown[], head: Request | undefined): Request | undefined {
  if (!(head instanceof SubscriptionRequest) || head.awaitedPushes === 0) return undefined;
  if (!head.isAnsweredBy(text(push[0]), push[1])) return undefined;
  head.awaitedPushes--;
  return head;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}
