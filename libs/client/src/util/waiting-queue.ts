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

  /** Removes every request and returns those not settled yet, oldest first. */
  takeAll(): T[] {
    const out: T[] = [];
    const queue = this.queue;
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) if (!item.done) out.push(item);
    return out;
  }
}
