import { describe, expect, it } from 'vitest';
import { WaitingQueue } from '../../../src/util/waiting-queue.js';

describe('WaitingQueue', () => {
  it('drops the settled requests at its head as new ones arrive, so timed-out ones are not kept alive', () => {
    const queue = new WaitingQueue<{ done: boolean; id: number }>();
    const items = Array.from({ length: 10 }, (_, id) => ({ done: false, id }));
    for (const item of items.slice(0, 5)) queue.push(item);
    for (const item of items.slice(0, 3)) item.done = true; // the oldest time out first
    queue.push(items[5]!);
    expect(queue.length).toBe(3);
    items[4]!.done = true; // out of order: kept until it reaches the head or the queue is taken
    queue.push(items[6]!);
    expect(queue.length).toBe(4);
    expect(queue.takeAll().map((item) => item.id)).toEqual([3, 5, 6]);
    expect(queue.length).toBe(0);
  });

  it('dropSettled drops settled requests anywhere in the queue, keeping the order of the others', () => {
    const queue = new WaitingQueue<{ done: boolean; id: number }>();
    const items = Array.from({ length: 6 }, (_, id) => ({ done: false, id }));
    for (const item of items) queue.push(item);
    for (const id of [1, 2, 4]) items[id]!.done = true;
    expect(queue.dropSettled()).toBe(3);
    expect(queue.takeAll().map((item) => item.id)).toEqual([0, 3, 5]);
  });
});
