import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueuedReply, type ReplyListener } from '../../../src/util/queued-reply.js';

/** Lets Node report unhandled rejections of the turn that just ran. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('QueuedReply', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('works as a promise when observed before or after it settles', async () => {
    const early = new QueuedReply<string>();
    const seen = early.then((value) => `got ${value}`);
    early.resolve('a');
    expect(await seen).toBe('got a');
    expect(await early).toBe('a');

    const late = new QueuedReply<number>();
    late.resolve(7);
    expect(await late).toBe(7);
    expect(await Promise.all([late, Promise.resolve(1)])).toEqual([7, 1]);
    expect(Object.prototype.toString.call(late)).toBe('[object Promise]');
  });

  it('rejects through then, catch and await, and runs finally', async () => {
    const failed = new QueuedReply<string>();
    const error = new Error('nope');
    failed.reject(error);
    await expect(failed).rejects.toBe(error);
    expect(await failed.catch((reason) => (reason as Error).message)).toBe('nope');
    let ran = false;
    await failed
      .finally(() => {
        ran = true;
      })
      .catch(() => {});
    expect(ran).toBe(true);
  });

  it('settles once, reports to its run, and never leaves an unhandled rejection behind when unobserved', async () => {
    const results: [number, PromiseSettledResult<unknown>][] = [];
    const run: ReplyListener = { settled: (index, result) => results.push([index, result]) };
    const ignored = new QueuedReply<string>();
    ignored.listener = run;
    ignored.index = 3;
    const error = new Error('lost');
    ignored.reject(error);
    ignored.resolve('too late');
    ignored.reject(new Error('again'));
    expect(results).toEqual([[3, { status: 'rejected', reason: error }]]);
    await nextTurn();
    await nextTurn();
    expect(unhandled).toEqual([]);
  });
});
