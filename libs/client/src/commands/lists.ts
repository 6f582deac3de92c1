import type { RedisArg, RedisKey } from '../command.js';
import { keysThenTimeout, mpopArgs, prepend } from './base.js';
import { HashCommands } from './hashes.js';
import type { ListSide, Variadic } from './types.js';

/** Options of LPOS. */
export interface LposOptions {
  /** Which match to return: 1 the first, 2 the second, -1 the last... (RANK). */
  rank?: number | undefined;
  /** Compare at most this many elements (MAXLEN). */
  maxlen?: number | undefined;
}

/** What a blocking pop (BLPOP, BRPOP) took: the list's key and the element. */
export interface KeyElement<S> {
  key: S;
  element: S;
}

/** What LMPOP / BLMPOP took: the list's key and the elements. */
export interface KeyElements<S> {
  key: S;
  elements: S[];
}

function lposArgs(key: RedisKey, element: RedisArg, options: LposOptions & { count?: number }): RedisArg[] {
  const args: RedisArg[] = [key, element];
  if (options.rank !== undefined) args.push('RANK', options.rank);
  if (options.count !== undefined) args.push('COUNT', options.count);
  if (options.maxlen !== undefined) args.push('MAXLEN', options.maxlen);
  return args;
}

/** `[key, element]` → `{ key, element }`; null stays null. */
function toKeyElement(reply: unknown): KeyElement<unknown> | null {
  if (reply === null) return null;
  const pair = reply as [unknown, unknown];
  return { key: pair[0], element: pair[1] };
}

/** `[key, [element, ...]]` → `{ key, elements }`; null stays null. */
function toKeyElements(reply: unknown): KeyElements<unknown> | null {
  if (reply === null) return null;
  const pair = reply as [unknown, unknown[]];
  return { key: pair[0], elements: pair[1] };
}

/** List commands, blocking pops included (their timeouts are in seconds, as the server takes them; 0 waits forever). */
export abstract class ListCommands<S extends string | Buffer = string> extends HashCommands<S> {
  /** LPUSH: the list's length afterwards. */
  lpush(key: RedisKey, ...elements: Variadic<RedisArg>): Promise<number> {
    return this.sendCommand({ name: 'LPUSH', args: prepend(key, elements), returnBuffers: false });
  }

  /** RPUSH: the list's length afterwards. */
  rpush(key: RedisKey, ...elements: Variadic<RedisArg>): Promise<number> {
    return this.sendCommand({ name: 'RPUSH', args: prepend(key, elements), returnBuffers: false });
  }

  /** LPUSHX: pushes only onto an existing list; its length afterwards (0 when missing). */
  lpushx(key: RedisKey, ...elements: Variadic<RedisArg>): Promise<number> {
    return this.sendCommand({ name: 'LPUSHX', args: prepend(key, elements), returnBuffers: false });
  }

  /** RPUSHX: pushes only onto an existing list; its length afterwards (0 when missing). */
  rpushx(key: RedisKey, ...elements: Variadic<RedisArg>): Promise<number> {
    return this.sendCommand({ name: 'RPUSHX', args: prepend(key, elements), returnBuffers: false });
  }

  /** LPOP: the first element, or null when the list is missing; with `count`, up to that many (or null). */
  lpop(key: RedisKey): Promise<S | null>;
  lpop(key: RedisKey, count: number): Promise<S[] | null>;
  lpop(key: RedisKey, count?: number): Promise<S | S[] | null> {
    const args = count === undefined ? [key] : [key, count];
    return this.sendCommand({ name: 'LPOP', args, returnBuffers: this.returnBuffers });
  }

  /** RPOP: the last element, or null when the list is missing; with `count`, up to that many (or null). */
  rpop(key: RedisKey): Promise<S | null>;
  rpop(key: RedisKey, count: number): Promise<S[] | null>;
  rpop(key: RedisKey, count?: number): Promise<S | S[] | null> {
    const args = count === undefined ? [key] : [key, count];
    return this.sendCommand({ name: 'RPOP', args, returnBuffers: this.returnBuffers });
  }

  /** LLEN: the list's length (0 when missing). */
  llen(key: RedisKey): Promise<number> {
    return this.sendCommand({ name: 'LLEN', args: [key], returnBuffers: false });
  }

  /** LRANGE: the elements between two indexes, inclusive (negative from the end). */
  lrange(key: RedisKey, start: number, stop: number): Promise<S[]> {
    return this.sendCommand({ name: 'LRANGE', args: [key, start, stop], returnBuffers: this.returnBuffers });
  }

  /** LINDEX: the element at an index, or null. */
  lindex(key: RedisKey, index: number): Promise<S | null> {
    return this.sendCommand({ name: 'LINDEX', args: [key, index], returnBuffers: this.returnBuffers });
  }

  /** LSET: replaces the element at an index; `'OK'`. */
  lset(key: RedisKey, index: number, element: RedisArg): Promise<'OK'> {
    return this.sendCommand({ name: 'LSET', args: [key, index, element], returnBuffers: false });
  }

  /** LINSERT: the list's length afterwards; -1 when the pivot was not found, 0 when the list is missing. */
  linsert(key: RedisKey, where: 'BEFORE' | 'AFTER', pivot: RedisArg, element: RedisArg): Promise<number> {
    return this.sendCommand({ name: 'LINSERT', args: [key, where, pivot, element], returnBuffers: false });
  }

  /** LREM: removes `count` occurrences (0: all, negative: from the end); how many were removed. */
  lrem(key: RedisKey, count: number, element: RedisArg): Promise<number> {
    return this.sendCommand({ name: 'LREM', args: [key, count, element], returnBuffers: false });
  }

  /** LTRIM: keeps only the elements between two indexes; `'OK'`. */
  ltrim(key: RedisKey, start: number, stop: number): Promise<'OK'> {
    return this.sendCommand({ name: 'LTRIM', args: [key, start, stop], returnBuffers: false });
  }

  /** LPOS: the index of the element, or null; with `count` (0: all), the indexes of up to that many matches. */
  lpos(key: RedisKey, element: RedisArg, options: LposOptions & { count: number }): Promise<number[]>;
  lpos(key: RedisKey, element: RedisArg, options?: LposOptions): Promise<number | null>;
  lpos(
    key: RedisKey,
    element: RedisArg,
    options?: LposOptions & { count?: number },
  ): Promise<number | number[] | null> {
    const args = options === undefined ? [key, element] : lposArgs(key, element, options);
    return this.sendCommand({ name: 'LPOS', args, returnBuffers: false });
  }

  /** LMOVE: moves an element from one end of a list to an end of another; the element, or null. */
  lmove(source: RedisKey, destination: RedisKey, from: ListSide, to: ListSide): Promise<S | null> {
    return this.sendCommand({
      name: 'LMOVE',
      args: [source, destination, from, to],
      returnBuffers: this.returnBuffers,
    });
  }

  /** LMPOP: pops from the first non-empty list of `keys`; `{ key, elements }`, or null when all are empty. */
  lmpop(
    keys: RedisKey | readonly RedisKey[],
    side: ListSide,
    options?: { count?: number },
  ): Promise<KeyElements<S> | null> {
    return this.sendCommand({
      name: 'LMPOP',
      args: mpopArgs(undefined, keys, side, options?.count),
      returnBuffers: this.returnBuffers,
      transform: toKeyElements as (reply: unknown) => KeyElements<S> | null,
    });
  }

  /** BLPOP: waits up to `timeout` seconds for a list to pop from; `{ key, element }`, or null on timeout. */
  blpop(keys: RedisKey | readonly RedisKey[], timeout: number): Promise<KeyElement<S> | null> {
    return this.sendCommand({
      name: 'BLPOP',
      args: keysThenTimeout(keys, timeout),
      returnBuffers: this.returnBuffers,
      transform: toKeyElement as (reply: unknown) => KeyElement<S> | null,
    });
  }

  /** BRPOP: like `blpop`, from the tail. */
  brpop(keys: RedisKey | readonly RedisKey[], timeout: number): Promise<KeyElement<S> | null> {
    return this.sendCommand({
      name: 'BRPOP',
      args: keysThenTimeout(keys, timeout),
      returnBuffers: this.returnBuffers,
      transform: toKeyElement as (reply: unknown) => KeyElement<S> | null,
    });
  }

  /** BLMOVE: like `lmove`, waiting up to `timeout` seconds; null on timeout. */
  blmove(
    source: RedisKey,
    destination: RedisKey,
    from: ListSide,
    to: ListSide,
    timeout: number,
  ): Promise<S | null> {
    return this.sendCommand({
      name: 'BLMOVE',
      args: [source, destination, from, to, timeout],
      returnBuffers: this.returnBuffers,
    });
  }

  /** BLMPOP: like `lmpop`, waiting up to `timeout` seconds; null on timeout. */
  blmpop(
    keys: RedisKey | readonly RedisKey[],
    side: ListSide,
    timeout: number,
    options?: { count?: number },
  ): Promise<KeyElements<S> | null> {
    return this.sendCommand({
      name: 'BLMPOP',
      args: mpopArgs(timeout, keys, side, options?.count),
      returnBuffers: this.returnBuffers,
      transform: toKeyElements as (reply: unknown) => KeyElements<S> | null,
    });
  }

  /** BRPOPLPUSH: pops the tail of `source` onto the head of `destination`, waiting up to `timeout` seconds. */
  brpoplpush(source: RedisKey, destination: RedisKey, timeout: number): Promise<S | null> {
    return this.sendCommand({
      name: 'BRPOPLPUSH',
      args: [source, destination, timeout],
      returnBuffers: this.returnBuffers,
    });
  }
}
