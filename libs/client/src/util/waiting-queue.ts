import { Fifo } from './fifo.js';

/**
 * Requests waiting for something (their node's connection, an owner for their slot, the cluster to be up). They
 * settle while they wait, when their deadline passes: the settled ones at the head are dropped as new ones arrive,
 * so a queue whose requests time out in the order they came keeps only live ones, at O(1) a push. (Dropping settled
 * ones only once the queue is long would keep every timed-out request of a long outage alive until then.)
 */
export class WaitingQueue<T extends { readonly done: boolean }> {
  private readonly queue = new Fifo<T>();

  /** Requests held, settled ones not dropped yet included. */
  get length(): number {
    return this.queue.length;
  }

  push(item: T): void {
    const queue = this.queue;
    while (queue.length > 0 && queue.peek()!.done) queue.shift();
    queue.push(item);
  }

  /** Drops every settled request, wherever it is (O(n): for a periodic check, not for each push); returns how many are left. */
  dropSettled(): number {
    const queue = this.queue;
    for (let n = queue.length; n > 0; n--) {
      const item = queue.shift()!;
      if (!item.done) queue.push(item);
    }
    return queue.length;
  }

  /** Removes every request and returns those not settled yet, oldest first. */
  takeAll(): T[] {
    const out: T[] = [];
    const queue = this.queue;
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) if (!item.done) out.push(item);
    return out;
  }
}
