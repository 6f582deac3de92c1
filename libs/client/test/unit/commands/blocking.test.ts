import { describe, expect, it } from 'vitest';
import type { RedisArg } from '../../../src/command.js';
import { blockingTimeoutMs, ownWritesRefusal } from '../../../src/commands/blocking.js';

describe('blockingTimeoutMs', () => {
  const cases: [string, string, RedisArg[], number | undefined][] = [
    ['GET does not block', 'GET', ['k'], undefined],
    ['SET does not block', 'SET', ['k', 'v'], undefined],
    ['unknown does not block', 'NOPE', [], undefined],
    ['BLPOP seconds', 'BLPOP', ['a', 'b', 2], 2000],
    ['BLPOP fractional', 'BLPOP', ['a', 0.25], 250],
    ['BLPOP as string', 'BLPOP', ['a', '1.5'], 1500],
    ['BLPOP as Buffer', 'BLPOP', ['a', Buffer.from('3')], 3000],
    ['BLPOP rounds up', 'BLPOP', ['a', 0.0001], 1],
    ['BLPOP forever', 'BLPOP', ['a', 0], 0],
    ['BLPOP invalid: the server answers at once', 'BLPOP', ['a', 'x'], 0],
    ['BRPOP', 'BRPOP', ['a', 1], 1000],
    ['BZPOPMIN', 'BZPOPMIN', ['a', 1], 1000],
    ['BZPOPMAX', 'BZPOPMAX', ['a', 0], 0],
    ['BRPOPLPUSH', 'BRPOPLPUSH', ['a', 'b', 5], 5000],
    ['BLMOVE', 'BLMOVE', ['a', 'b', 'LEFT', 'RIGHT', 0.5], 500],
    ['BLMPOP timeout first', 'BLMPOP', [2, 1, 'a', 'LEFT'], 2000],
    ['BZMPOP timeout first', 'BZMPOP', [0, 1, 'a', 'MIN', 'COUNT', 9], 0],
    ['XREAD without BLOCK does not block', 'XREAD', ['COUNT', 1, 'STREAMS', 's', '0'], undefined],
    ['XREAD BLOCK ms', 'XREAD', ['COUNT', 1, 'BLOCK', 1500, 'STREAMS', 's', '$'], 1500],
    ['XREAD BLOCK 0 forever', 'XREAD', ['BLOCK', '0', 'STREAMS', 's', '$'], 0],
    ['XREAD lower-case block', 'XREAD', ['block', 10, 'streams', 's', '$'], 10],
    ['XREAD stream named BLOCK is not an option', 'XREAD', ['STREAMS', 'BLOCK', '5'], undefined],
    ['XREADGROUP BLOCK', 'XREADGROUP', ['GROUP', 'g', 'c', 'BLOCK', 100, 'NOACK', 'STREAMS', 's', '>'], 100],
    [
      'XREADGROUP group named BLOCK',
      'XREADGROUP',
      ['GROUP', 'BLOCK', 'BLOCK', 'STREAMS', 's', '>'],
      undefined,
    ],
    ['XREADGROUP without BLOCK', 'XREADGROUP', ['GROUP', 'g', 'c', 'STREAMS', 's', '>'], undefined],
    ['WAIT ms', 'WAIT', [1, 250], 250],
    ['WAIT forever', 'WAIT', [1, 0], 0],
    ['WAITAOF ms', 'WAITAOF', [1, 0, 300], 300],
    ['WAIT negative: not a time', 'WAIT', [1, -5], Number.NaN],
    ['WAIT not a number: not a time', 'WAIT', [1, 'soon'], Number.NaN],
    ['WAITAOF without a timeout: not a time', 'WAITAOF', [1, 0], Number.NaN],
    ['lower-case name', 'blpop', ['a', 1], 1000],
    ['mixed-case name', 'XRead', ['BLOCK', 5, 'STREAMS', 's', '$'], 5],
  ];

  it.each(cases)('%s', (_, name, args, expected) => {
    expect(blockingTimeoutMs(name, args)).toBe(expected);
  });
});

describe('ownWritesRefusal: WAIT and WAITAOF timeouts refused before sending', () => {
  it('a timeout that is not a time is a bad argument, not "would block forever"; 0 would block forever', () => {
    const bad = ownWritesRefusal('WAIT', blockingTimeoutMs('WAIT', [1, -5])!);
    expect(bad).toMatchObject({ code: 'ERR_KEYSLOT_ARGUMENT' });
    expect(bad!.message).toBe(
      'WAIT needs a timeout in ms, a number of 0 or more (got a negative or non-numeric one)',
    );
    expect(ownWritesRefusal('WAITAOF', Number.NaN)!.message).not.toMatch(/forever/);
    expect(ownWritesRefusal('WAIT', 0)!.message).toMatch(/would block the shared connection forever/);
    expect(ownWritesRefusal('WAIT', 250)).toBeUndefined();
  });
});
