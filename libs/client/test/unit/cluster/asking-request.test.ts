import { describe, expect, it } from 'vitest';
import { AskingRequest } from '../../../src/cluster/asking-request.js';
import type { Request } from '../../../src/connection/request.js';
import { WaitingQueue } from '../../../src/util/waiting-queue.js';

/** A stand-in for the command ASKING precedes: only its `done` is read. */
function command(): Request {
  return { done: false } as Request;
}

describe('AskingRequest', () => {
  it('settles with the command it precedes, so a down node queue drops it and what timed out behind it', () => {
    const queue = new WaitingQueue<Request>();
    const asked = command();
    queue.push(new AskingRequest(asked));
    queue.push(asked);
    const behind = Array.from({ length: 100 }, () => command());
    for (const each of behind) queue.push(each);
    // Everything times out, the ASK-redirected command first, as it came first.
    asked.done = true;
    for (const each of behind) each.done = true;
    queue.push(command());
    expect(queue.length).toBe(1);
  });

  it('is live while its command is, and then sent with it', () => {
    const asked = command();
    const asking = new AskingRequest(asked);
    expect(asking.done).toBe(false);
    const queue = new WaitingQueue<Request>();
    queue.push(asking);
    queue.push(asked);
    expect(queue.takeAll()).toEqual([asking, asked]);
  });
});
