import type { Command, RedisArg } from '../command.js';

/**
 * The root of the command families: what every typed method needs from the connection. The families extend it
 * one after another (strings, keys, hashes, ... server) and `RedisCommands` closes the chain, so each family
 * stays in a small file while a connection sees one flat class.
 *
 * `S` is the type bulk strings come back as: `string`, or `Buffer` on the `buffers` view.
 */
export abstract class CommandBase<S extends string | Buffer = string> {
  /** Runs one command. Implemented by each connection type. */
  abstract exec<T>(command: Command<T>): Promise<T>;

  /** True on the Buffer view: bulk-string replies come back as Buffers. */
  protected get returnBuffers(): boolean {
    return false;
  }
}

/**
 * The list behind a `Variadic` rest parameter: `('a', 'b')` and `(['a', 'b'])` both give `['a', 'b']`. The rest
 * array itself is returned when it is the list, so `del('a', 'b')` sends its arguments without copying.
 */
export function listOf<T>(rest: readonly (T | readonly T[])[]): readonly T[] {
  if (rest.length === 1 && Array.isArray(rest[0])) return rest[0] as readonly T[];
  return rest as readonly T[];
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
