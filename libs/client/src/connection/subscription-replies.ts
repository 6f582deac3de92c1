import { encodeCommand } from '../resp/encode-command.js';
import { PromiseRequest } from './promise-request.js';
import type { Request } from './request.js';

// In RESP3 a (un)subscribe is answered not by a reply but by one push per channel; these pushes settle it.

const SUBSCRIPTION_KINDS = new Set([
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
]);

/** A SUBSCRIBE-like command for `names`, waiting for one push per name (in RESP3) or for its replies. */
export function subscriptionRequest(
  name: string,
  names: readonly string[],
  address: string,
  timeoutMs: number,
): PromiseRequest<unknown> {
  const request = new PromiseRequest<unknown>(
    name,
    encodeCommand(name, names),
    false,
    undefined,
    address,
    timeoutMs,
  );
  request.awaitedPushes = names.length;
  return request;
}

/**
 * The request `push` answers, with the push counted, when it is one of the pushes that answer `head` (the oldest
 * request owed a reply); undefined when the push is for the owner (a pub/sub message, an invalidation).
 */
export function answeredSubscription(push: unknown[], head: Request | undefined): Request | undefined {
  const kind = typeof push[0] === 'string' ? push[0] : String(push[0]);
  if (!(SUBSCRIPTION_KINDS.has(kind) && head !== undefined && head.awaitedPushes > 0)) return undefined;
  head.awaitedPushes--;
  return head;
}
