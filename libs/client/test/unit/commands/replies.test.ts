import { describe, expect, it } from 'vitest';
import {
  pushFields,
  toBoolean,
  toDouble,
  toInteger,
  toMap,
  toRecord,
  toText,
} from '../../../src/commands/replies.js';

describe('reply transforms', () => {
  it('toText reads strings, Buffers and numbers', () => {
    expect(toText('a')).toBe('a');
    expect(toText(Buffer.from('é'))).toBe('é');
    expect(toText(5)).toBe('5');
  });

  it('toDouble reads doubles, bulk strings and the infinities', () => {
    expect(toDouble(1.5)).toBe(1.5);
    expect(toDouble('1e3')).toBe(1000);
    expect(toDouble('inf')).toBe(Number.POSITIVE_INFINITY);
    expect(toDouble('+inf')).toBe(Number.POSITIVE_INFINITY);
    expect(toDouble('-inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(toDouble(Buffer.from('-2.5'))).toBe(-2.5);
    expect(Number.isNaN(toDouble('nan'))).toBe(true);
  });

  it('toInteger reads numbers, bigints and bulk strings', () => {
    expect(toInteger(3)).toBe(3);
    expect(toInteger(3n)).toBe(3);
    expect(toInteger('12')).toBe(12);
  });

  it('toBoolean accepts 1 and RESP3 true', () => {
    expect(toBoolean(1)).toBe(true);
    expect(toBoolean(true)).toBe(true);
    expect(toBoolean(0)).toBe(false);
    expect(toBoolean(null)).toBe(false);
  });

  it('toRecord and toMap accept flat arrays, pairs and Maps', () => {
    const expected = { a: 1, b: 2 };
    expect(toRecord(['a', 1, 'b', 2])).toEqual(expected);
    expect(
      toRecord([
        ['a', 1],
        ['b', 2],
      ]),
    ).toEqual(expected);
    expect(
      toRecord(
        new Map<unknown, unknown>([
          [Buffer.from('a'), 1],
          ['b', 2],
        ]),
      ),
    ).toEqual(expected);
    expect(toRecord(null)).toEqual({});
    const map = new Map([['a', 1]]);
    expect(toMap(map)).toBe(map);
    expect([...toMap(['a', 1, 'b', 2])]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect([...toMap([['a', 1]])]).toEqual([['a', 1]]);
    expect(toMap(null).size).toBe(0);
  });

  it('pushFields takes own properties of objects and entries of Maps', () => {
    const args: unknown[] = [];
    pushFields(args, { a: 1 });
    pushFields(args, new Map([['b', 2]]));
    expect(args).toEqual(['a', 1, 'b', 2]);
  });
});
