import type { Command, RedisArg, RedisKey } from '../command.js';
import type { ScanOptions } from './types.js';

/**
 * The root of the command families: what every typed method needs from the connection. The families extend it
 * one after another (strings, keys, hashes, ... server) and `RedisCommands` closes the chain, so each family
 * stays in a small file while a connection sees one flat class.
 *
 * The families take `S`, the type bulk strings come back as: `string`, or `Buffer` on the `buffers` view.
 */
export abstract class CommandBase {
  /**
   * Runs one command. Implemented by each connection type. (Not named `exec`: on a transaction, `exec()` is EXEC.)
   */
  abstract sendCommand<T>(command: Command<T>): Promise<T>;

  /** True on the Buffer view: bulk-string replies come back as Buffers. */
  protected get returnBuffers(): boolean {
    return false;
  }
}

/**
 * The list behind a `Variadic` rest parameter: `('a', 'b')` and `(['a', 'b'])` both give `['a', 'b']`. The rest
 * array is fresh, so it is sent as is (`del('a', 'b')` copies nothing); the caller's own array is copied, since the
 * caller may change it while the command waits for a retry.
 */
export function listOf<T>(rest: readonly (T | readonly T[])[]): readonly T[] {
  if (rest.length === 1 && Array.isArray(rest[0])) return (rest[0] as readonly T[]).slice();
  return rest as readonly T[];
}

/** A repeated argument given once or as a list, as a list (`listOfOne('a')` is `['a']`). */
export function listOfOne<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

/** `[first, ...list]` for a `Variadic` rest parameter (SADD key member..., HDEL key field...). */
export function prepend(first: RedisArg, rest: readonly (RedisArg | readonly RedisArg[])[]): RedisArg[] {
  const list = listOf(rest);
  const args: RedisArg[] = [first];
  for (let i = 0; i < list.length; i++) args.push(list[i] as RedisArg);
  return args;
}

/** `[first, second, ...list]` (SINTERSTORE destination key..., XACK key group id...). */
export function prepend2(
  first: RedisArg,
  second: RedisArg,
  rest: readonly (RedisArg | readonly RedisArg[])[],
): RedisArg[] {
  const list = listOf(rest);
  const args: RedisArg[] = [first, second];
  for (let i = 0; i < list.length; i++) args.push(list[i] as RedisArg);
  return args;
}

/** Pushes one key or a list of keys onto `args`; returns how many were pushed. */
export function pushKeys(args: RedisArg[], keys: RedisArg | readonly RedisArg[]): number {
  if (!Array.isArray(keys)) {
    args.push(keys as RedisArg);
    return 1;
  }
  for (let i = 0; i < keys.length; i++) args.push(keys[i] as RedisArg);
  return keys.length;
}

/** `numkeys key...` (LMPOP, ZMPOP, SINTERCARD, EVAL...): pushes the count, then the keys. */
export function pushNumKeys(args: RedisArg[], keys: RedisArg | readonly RedisArg[]): void {
  if (!Array.isArray(keys)) {
    args.push(1, keys as RedisArg);
    return;
  }
  args.push(keys.length);
  for (let i = 0; i < keys.length; i++) args.push(keys[i] as RedisArg);
}

/** `key cursor [MATCH pattern] [COUNT n]` (HSCAN, SSCAN, ZSCAN). */
export function keyScanArgs(key: RedisKey, cursor: RedisArg, options: ScanOptions | undefined): RedisArg[] {
  const args: RedisArg[] = [key, cursor];
  if (options?.match !== undefined) args.push('MATCH', options.match);
  if (options?.count !== undefined) args.push('COUNT', options.count);
  return args;
}

/** `key... timeout` (BLPOP, BRPOP, BZPOPMIN, BZPOPMAX). */
export function keysThenTimeout(keys: RedisKey | readonly RedisKey[], timeout: number): RedisArg[] {
  const args: RedisArg[] = [];
  pushKeys(args, keys);
  args.push(timeout);
  return args;
}

/** `[timeout] numkeys key... LEFT|RIGHT|MIN|MAX [COUNT n]` (LMPOP, BLMPOP, ZMPOP, BZMPOP). */
export function mpopArgs(
  timeout: number | undefined,
  keys: RedisKey | readonly RedisKey[],
  where: string,
  count: number | undefined,
): RedisArg[] {
  const args: RedisArg[] = timeout === undefined ? [] : [timeout];
  pushNumKeys(args, keys);
  args.push(where);
  if (count !== undefined) args.push('COUNT', count);
  return args;
}
