/**
 * The commands BullMQ sends, built as keyslot `Command`s whose replies are shaped the way ioredis returns them
 * (RESP2 shapes, scores as text), whichever protocol the connection speaks. One builder per command, used alike on
 * the connection, in a pipeline and in a transaction.
 */
import type { Command, RedisArg, RedisKey } from '@keyslot/client';

/** An argument as ioredis sends it: null and undefined as an empty string, anything unusual as its text. */
export function toArg(value: unknown): RedisArg {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value;
    case 'undefined':
      return '';
    default:
      if (value === null) return '';
      if (value instanceof Uint8Array) return value as Buffer;
      return String(value);
  }
}

/** A sorted-set score as RESP2 text: RESP3 sends doubles. */
export function scoreText(score: unknown): string {
  if (typeof score !== 'number') return String(score);
  if (score === Number.POSITIVE_INFINITY) return 'inf';
  if (score === Number.NEGATIVE_INFINITY) return '-inf';
  return String(score);
}

/**
 * HGETALL and friends: a RESP3 map or a RESP2 flat array, as the plain object ioredis gives (BullMQ hands some to the
 * application as they are). A field named `__proto__` is an own field, never the object's prototype.
 */
export function toRecord(reply: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  const put = (field: unknown, value: unknown) => {
    const name = String(field);
    if (name === '__proto__') {
      Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
    } else record[name] = value as string;
  };
  if (reply instanceof Map) {
    for (const [field, value] of reply) put(field, value);
  } else if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) put(reply[i], reply[i + 1]);
  }
  return record;
}

/** ZRANGE ... WITHSCORES: RESP3 `[[member, score], ...]` or RESP2 `[member, score, ...]`, as the RESP2 form. */
function flatWithScores(reply: unknown): string[] {
  const items = reply as unknown[];
  if (items.length === 0 || !Array.isArray(items[0])) return items as string[];
  const flat: string[] = [];
  for (const pair of items as [string, unknown][]) flat.push(pair[0], scoreText(pair[1]));
  return flat;
}

function scoreOrNull(reply: unknown): string | null {
  return reply === null ? null : scoreText(reply);
}

/** BZPOPMIN: `[key, member, score]` with the score as text, or null when it timed out. */
function keyMemberScore(reply: unknown): [string, string, string] | null {
  if (reply === null) return null;
  const [key, member, score] = reply as [string, string, unknown];
  return [key, member, scoreText(score)];
}

/** XREAD: `[[stream, [[id, [field, value, ...]], ...]], ...]` (RESP3 answers with a map of streams), or null. */
function streamsReply(reply: unknown): [string, [string, string[]][]][] | null {
  if (reply === null) return null;
  if (reply instanceof Map) return [...reply] as [string, [string, string[]][]][];
  return reply as [string, [string, string[]][]][];
}

function flatFields(fields: Readonly<Record<string, unknown>>, into: RedisArg[]): RedisArg[] {
  for (const field of Object.keys(fields)) into.push(field, toArg(fields[field]));
  return into;
}

export const hgetall = (key: RedisKey): Command<Record<string, string>> => ({
  name: 'HGETALL',
  args: [key],
  transform: toRecord,
});
export const hget = (key: RedisKey, field: string): Command<string | null> => ({
  name: 'HGET',
  args: [key, field],
});
export const hmget = (key: RedisKey, fields: readonly string[]): Command<(string | null)[]> => ({
  name: 'HMGET',
  args: [key, ...fields],
});
export const hset = (key: RedisKey, data: Readonly<Record<string, unknown>>): Command<number> => ({
  name: 'HSET',
  args: flatFields(data, [key]),
});
export const hdel = (key: RedisKey, fields: readonly string[]): Command<number> => ({
  name: 'HDEL',
  args: [key, ...fields],
});
export const hexists = (key: RedisKey, field: string): Command<number> => ({
  name: 'HEXISTS',
  args: [key, field],
});
/** HSCAN / SSCAN: `[cursor, [field, value, ...]]` or `[cursor, [member, ...]]`, the same in both protocols. */
function scanPage(name: 'HSCAN' | 'SSCAN', key: RedisKey, cursor: string | number, count?: number) {
  const args: RedisArg[] =
    count === undefined ? [key, String(cursor)] : [key, String(cursor), 'COUNT', count];
  return { name, args } as Command<[string, string[]]>;
}
export const hscan = (key: RedisKey, cursor: string | number, count?: number) =>
  scanPage('HSCAN', key, cursor, count);
export const sscan = (key: RedisKey, cursor: string | number, count?: number) =>
  scanPage('SSCAN', key, cursor, count);
export const get = (key: RedisKey): Command<string | null> => ({ name: 'GET', args: [key] });
export const set = (
  key: RedisKey,
  value: unknown,
  options?: { PX?: number; EX?: number },
): Command<string | null> => {
  const args: RedisArg[] = [key, toArg(value)];
  if (options?.PX != null) args.push('PX', options.PX);
  else if (options?.EX != null) args.push('EX', options.EX);
  return { name: 'SET', args };
};
/** DEL: keys of several slots are split per slot by the connection (a transaction keeps them in one). */
export const del = (keys: readonly RedisKey[]): Command<number> => ({ name: 'DEL', args: keys });
export const zrange = (
  key: RedisKey,
  start: number,
  end: number,
  withScores = false,
  reverse = false,
): Command<string[]> => ({
  name: reverse ? 'ZREVRANGE' : 'ZRANGE',
  args: withScores ? [key, start, end, 'WITHSCORES'] : [key, start, end],
  ...(withScores ? { transform: flatWithScores } : {}),
});
export const zcard = (key: RedisKey): Command<number> => ({ name: 'ZCARD', args: [key] });
export const zscore = (key: RedisKey, member: string): Command<string | null> => ({
  name: 'ZSCORE',
  args: [key, member],
  transform: scoreOrNull,
});
export const lrange = (key: RedisKey, start: number, end: number): Command<string[]> => ({
  name: 'LRANGE',
  args: [key, start, end],
});
export const llen = (key: RedisKey): Command<number> => ({ name: 'LLEN', args: [key] });
export const ltrim = (key: RedisKey, start: number, end: number): Command<string> => ({
  name: 'LTRIM',
  args: [key, start, end],
});
export const lpos = (key: RedisKey, value: string): Command<number | null> => ({
  name: 'LPOS',
  args: [key, value],
});
export const smembers = (key: RedisKey): Command<string[]> => ({ name: 'SMEMBERS', args: [key] });
export const xadd = (
  key: RedisKey,
  id: string,
  fields: Readonly<Record<string, unknown>>,
  options?: { MAXLEN?: number; approximate?: boolean },
): Command<string> => {
  const args: RedisArg[] = [key];
  if (options?.MAXLEN != null) {
    args.push('MAXLEN');
    if (options.approximate !== false) args.push('~');
    args.push(options.MAXLEN);
  }
  args.push(id);
  return { name: 'XADD', args: flatFields(fields, args) };
};
export const xread = (
  streams: readonly { key: string; id: string }[],
  options?: { BLOCK?: number; COUNT?: number },
): Command<[string, [string, string[]][]][] | null> => {
  const args: RedisArg[] = [];
  if (options?.BLOCK != null) args.push('BLOCK', options.BLOCK);
  if (options?.COUNT != null) args.push('COUNT', options.COUNT);
  args.push('STREAMS');
  for (const stream of streams) args.push(stream.key);
  for (const stream of streams) args.push(stream.id);
  return { name: 'XREAD', args, transform: streamsReply };
};
export const xtrim = (key: RedisKey, threshold: number, approximate = true): Command<number> => ({
  name: 'XTRIM',
  args: approximate ? [key, 'MAXLEN', '~', threshold] : [key, 'MAXLEN', threshold],
});
export const bzpopmin = (
  key: RedisKey,
  timeoutSeconds: number,
): Command<[string, string, string] | null> => ({
  name: 'BZPOPMIN',
  args: [key, timeoutSeconds],
  transform: keyMemberScore,
});
