import type { RedisArg, RedisKey } from '../command.js';
import { toInteger, toRecord } from './replies.js';
import { SortCommands } from './sort.js';

/** One match of LCS IDX: where it is in each string (inclusive byte offsets) and, when asked, its length. */
export interface LcsMatch {
  first: [start: number, end: number];
  second: [start: number, end: number];
  /** With `withMatchLength`. */
  length?: number | undefined;
}

/** LCS IDX: the matches (last first, as the server lists them) and the length of the common subsequence. */
export interface LcsIndexes {
  matches: LcsMatch[];
  length: number;
}

function range(reply: unknown): [number, number] {
  const pair = reply as [unknown, unknown];
  return [toInteger(pair[0]), toInteger(pair[1])];
}

/** `{ matches: [[[a, b], [c, d], len?], ...], len }` (a map in RESP3, pairs in RESP2) → `LcsIndexes`. */
function toLcsIndexes(reply: unknown): LcsIndexes {
  const record = toRecord(reply);
  const matches = (record.matches as unknown[][]).map((item) => {
    const match: LcsMatch = { first: range(item[0]), second: range(item[1]) };
    if (item.length > 2) match.length = toInteger(item[2]);
    return match;
  });
  return { matches, length: toInteger(record.len) };
}

/** LCS: the longest common subsequence of two strings, as the subsequence, its length, or where it matches. */
export abstract class LcsCommands<S extends string | Buffer = string, Info = string> extends SortCommands<
  S,
  Info
> {
  /** LCS: the longest common subsequence of the two values. */
  lcs(key1: RedisKey, key2: RedisKey): Promise<S> {
    return this.sendCommand({ name: 'LCS', args: [key1, key2], returnBuffers: this.returnBuffers });
  }

  /** LCS ... LEN: the length of the longest common subsequence. */
  lcsLen(key1: RedisKey, key2: RedisKey): Promise<number> {
    return this.sendCommand({ name: 'LCS', args: [key1, key2, 'LEN'], returnBuffers: false });
  }

  /** LCS ... IDX: where the common subsequence matches in each value. */
  lcsIdx(
    key1: RedisKey,
    key2: RedisKey,
    options?: { minMatchLength?: number; withMatchLength?: boolean },
  ): Promise<LcsIndexes> {
    const args: RedisArg[] = [key1, key2, 'IDX'];
    if (options?.minMatchLength !== undefined) args.push('MINMATCHLEN', options.minMatchLength);
    if (options?.withMatchLength) args.push('WITHMATCHLEN');
    return this.sendCommand({ name: 'LCS', args, returnBuffers: false, transform: toLcsIndexes });
  }
}
