import { describe, expect, it } from 'vitest';
import { reshape, shapedBy } from '../../../src/commands/reply-shape.js';

describe('reshape', () => {
  it('keeps what the shape does not mention, converts what it does, and keeps null anywhere', () => {
    const shape = {
      tuple: [0, { record: { ratio: 'double', on: 'boolean' } }],
      rest: { list: 'double' },
    } as const;
    expect(reshape(shape, ['x', ['ratio', '0.5', 'on', 1, 'other', 'y'], ['1', 'inf']])).toEqual([
      'x',
      { ratio: 0.5, on: true, other: 'y' },
      [1, Number.POSITIVE_INFINITY],
    ]);
    expect(reshape(shape, ['x', null])).toEqual(['x', null]);
    expect(reshape(0, new Map([['a', 1]]))).toEqual(new Map([['a', 1]]));
  });

  it('turns RESP3 maps and RESP2 pairs into the same null-prototype object, `__proto__` included', () => {
    const shape = { record: {}, rest: { record: { n: 0 } } } as const;
    const resp2 = reshape(shape, ['__proto__', ['n', 1], 'b', ['n', 2]]);
    const resp3 = reshape(
      shape,
      new Map([
        ['__proto__', new Map([['n', 1]])],
        ['b', new Map([['n', 2]])],
      ]),
    );
    expect(resp2).toEqual(resp3);
    expect(Object.getPrototypeOf(resp2)).toBeNull();
    expect(Object.keys(resp2 as object)).toEqual(['__proto__', 'b']);
  });

  it('converts a part that holds more of itself at every depth, each recurse standing for its nearest part', () => {
    // A map of entries whose `args` is a list of entries with more `args`, and whose `subs` is the whole map again.
    const shape = {
      recursive: {
        record: {},
        rest: {
          record: { args: { recursive: { list: { record: { args: 'recurse' } } } }, subs: 'recurse' },
        },
      },
    } as const;
    const resp2 = ['a', ['args', [['name', 'x', 'args', [['name', 'y']]]], 'subs', ['a|b', ['args', []]]]];
    const resp3 = new Map<string, unknown>([
      [
        'a',
        new Map<string, unknown>([
          [
            'args',
            [
              new Map<string, unknown>([
                ['name', 'x'],
                ['args', [new Map([['name', 'y']])]],
              ]),
            ],
          ],
          ['subs', new Map([['a|b', new Map([['args', []]])]])],
        ]),
      ],
    ]);
    const expected = { a: { args: [{ name: 'x', args: [{ name: 'y' }] }], subs: { 'a|b': { args: [] } } } };
    expect(reshape(shape, resp2)).toEqual(expected);
    expect(reshape(shape, resp3)).toEqual(expected);
  });

  it('shapedBy makes one transform per shape', () => {
    expect(shapedBy<number[]>({ list: 'double' })(['1.5'])).toEqual([1.5]);
  });
});
