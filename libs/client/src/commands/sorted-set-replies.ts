/** Reply transforms of the sorted-set commands, for both protocols (RESP2 bulk-string scores, RESP3 doubles). */
import { toDouble, toText } from './replies.js';
import type { ScoredMember } from './types.js';

/** What BZPOPMIN / BZPOPMAX took: the key, the member and its score. */
export interface KeyScoredMember<S> extends ScoredMember<S> {
  key: S;
}

/** What ZMPOP / BZMPOP took: the key and the members with their scores. */
export interface KeyScoredMembers<S> {
  key: S;
  members: ScoredMember<S>[];
}

/** One page of ZSCAN. `cursor` is `'0'` when the iteration is complete. */
export interface SortedSetScanPage<S> {
  cursor: string;
  members: ScoredMember<S>[];
}

/** RESP2 flat `[m, s, ...]` or RESP3 pairs `[[m, s], ...]` → `{ value, score }[]`. */
export function toScoredMembers(reply: unknown): ScoredMember<unknown>[] {
  const items = reply as unknown[];
  const out: ScoredMember<unknown>[] = [];
  if (items.length === 0) return out;
  if (Array.isArray(items[0])) {
    for (const pair of items as unknown[][]) out.push({ value: pair[0], score: toDouble(pair[1]) });
  } else {
    for (let i = 0; i + 1 < items.length; i += 2)
      out.push({ value: items[i], score: toDouble(items[i + 1]) });
  }
  return out;
}

/** ZPOPMIN / ZPOPMAX without a count: `[m, s]` (or `[[m, s]]`) → `{ value, score }`; empty → null. */
export function toScoredMember(reply: unknown): ScoredMember<unknown> | null {
  return toScoredMembers(reply)[0] ?? null;
}

/** BZPOPMIN / BZPOPMAX: `[key, member, score]` → `{ key, value, score }`; null on timeout. */
export function toKeyScoredMember(reply: unknown): KeyScoredMember<unknown> | null {
  if (reply === null) return null;
  const items = reply as [unknown, unknown, unknown];
  return { key: items[0], value: items[1], score: toDouble(items[2]) };
}

/** ZMPOP / BZMPOP: `[key, [[m, s], ...]]` → `{ key, members }`; null when nothing was popped. */
export function toKeyScoredMembers(reply: unknown): KeyScoredMembers<unknown> | null {
  if (reply === null) return null;
  const pair = reply as [unknown, unknown];
  return { key: pair[0], members: toScoredMembers(pair[1]) };
}

/** ZSCAN: `[cursor, [m, s, ...]]` → `{ cursor, members }`. */
export function toSortedSetScanPage(reply: unknown): SortedSetScanPage<unknown> {
  const pair = reply as [unknown, unknown];
  return { cursor: toText(pair[0]), members: toScoredMembers(pair[1]) };
}
