import type { RedisArg, RedisKey } from '../command.js';
import { CommandBase, listOf } from './base.js';
import { pushFields, toBoolean, toDouble } from './replies.js';
import type { KeyValuesInput, RedisInteger, Variadic } from './types.js';

/** Options of SET. Conflicting options are sent as given; the server rejects them. */
export interface SetOptions {
  /** Expire after this many seconds (EX). */
  ex?: number | undefined;
  /** Expire after this many milliseconds (PX). */
  px?: number | undefined;
  /** Expire at this Unix time in seconds (EXAT). */
  exat?: number | undefined;
  /** Expire at this Unix time in milliseconds (PXAT). */
  pxat?: number | undefined;
  /** Keep the key's current TTL (KEEPTTL). */
  keepTtl?: boolean | undefined;
  /** Only set when the key does not exist (NX). */
  nx?: boolean | undefined;
  /** Only set when the key exists (XX). */
  xx?: boolean | undefined;
  /** Return the old value (GET). */
  get?: boolean | undefined;
}

/** Options of GETEX: one expiry, or `persist` to remove it. */
export interface GetExOptions {
  ex?: number | undefined;
  px?: number | undefined;
  exat?: number | undefined;
  pxat?: number | undefined;
  /** Remove the TTL (PERSIST). */
  persist?: boolean | undefined;
}

function setArgs(key: RedisKey, value: RedisArg, options: SetOptions): RedisArg[] {
  const args: RedisArg[] = [key, value];
  if (options.nx) args.push('NX');
  if (options.xx) args.push('XX');
  if (options.get) args.push('GET');
  if (options.ex !== undefined) args.push('EX', options.ex);
  if (options.px !== undefined) args.push('PX', options.px);
  if (options.exat !== undefined) args.push('EXAT', options.exat);
  if (options.pxat !== undefined) args.push('PXAT', options.pxat);
  if (options.keepTtl) args.push('KEEPTTL');
  return args;
}

function getExArgs(key: RedisKey, options: GetExOptions): RedisArg[] {
  const args: RedisArg[] = [key];
  if (options.ex !== undefined) args.push('EX', options.ex);
  if (options.px !== undefined) args.push('PX', options.px);
  if (options.exat !== undefined) args.push('EXAT', options.exat);
  if (options.pxat !== undefined) args.push('PXAT', options.pxat);
  if (options.persist) args.push('PERSIST');
  return args;
}

function keyValueArgs(pairs: KeyValuesInput): RedisArg[] {
  const args: RedisArg[] = [];
  pushFields(args, pairs);
  return args;
}

/** String commands. */
export abstract class StringCommands<S extends string | Buffer = string> extends CommandBase {
  /** GET: the value, or null when the key does not exist. */
  get(key: RedisKey): Promise<S | null> {
    return this.sendCommand({ name: 'GET', args: [key], returnBuffers: this.returnBuffers });
  }

  /** SET: `'OK'`; null when NX/XX prevented it; with `get`, the old value (or null). */
  set(key: RedisKey, value: RedisArg, options?: SetOptions): Promise<'OK' | S | null> {
    const args = options === undefined ? [key, value] : setArgs(key, value, options);
    return this.sendCommand({ name: 'SET', args, returnBuffers: this.returnBuffers });
  }

  /** SETNX: true when the key was set (it did not exist). */
  setnx(key: RedisKey, value: RedisArg): Promise<boolean> {
    return this.sendCommand({
      name: 'SETNX',
      args: [key, value],
      returnBuffers: false,
      transform: toBoolean,
    });
  }

  /** SETEX: sets the value with a TTL in seconds; `'OK'`. */
  setex(key: RedisKey, seconds: number, value: RedisArg): Promise<'OK'> {
    return this.sendCommand({ name: 'SETEX', args: [key, seconds, value], returnBuffers: false });
  }

  /** PSETEX: sets the value with a TTL in milliseconds; `'OK'`. */
  psetex(key: RedisKey, milliseconds: number, value: RedisArg): Promise<'OK'> {
    return this.sendCommand({ name: 'PSETEX', args: [key, milliseconds, value], returnBuffers: false });
  }

  /** GETSET: sets the value; the old value, or null. */
  getset(key: RedisKey, value: RedisArg): Promise<S | null> {
    return this.sendCommand({ name: 'GETSET', args: [key, value], returnBuffers: this.returnBuffers });
  }

  /** GETDEL: the value, deleting the key; null when it did not exist. */
  getdel(key: RedisKey): Promise<S | null> {
    return this.sendCommand({ name: 'GETDEL', args: [key], returnBuffers: this.returnBuffers });
  }

  /** GETEX: the value, changing its expiry as asked; null when the key does not exist. */
  getex(key: RedisKey, options?: GetExOptions): Promise<S | null> {
    const args = options === undefined ? [key] : getExArgs(key, options);
    return this.sendCommand({ name: 'GETEX', args, returnBuffers: this.returnBuffers });
  }

  /** MGET: the values in key order, null for missing keys. */
  mget(...keys: Variadic<RedisKey>): Promise<(S | null)[]> {
    return this.sendCommand({ name: 'MGET', args: listOf(keys), returnBuffers: this.returnBuffers });
  }

  /** MSET: sets every pair; `'OK'`. */
  mset(pairs: KeyValuesInput): Promise<'OK'> {
    return this.sendCommand({ name: 'MSET', args: keyValueArgs(pairs), returnBuffers: false });
  }

  /** MSETNX: true when every key was set (none existed), false when none was. */
  msetnx(pairs: KeyValuesInput): Promise<boolean> {
    return this.sendCommand({
      name: 'MSETNX',
      args: keyValueArgs(pairs),
      returnBuffers: false,
      transform: toBoolean,
    });
  }

  /** INCR: the new value. */
  incr(key: RedisKey): Promise<RedisInteger> {
    return this.sendCommand({ name: 'INCR', args: [key], returnBuffers: false });
  }

  /** INCRBY: the new value. */
  incrby(key: RedisKey, increment: number | bigint): Promise<RedisInteger> {
    return this.sendCommand({ name: 'INCRBY', args: [key, increment], returnBuffers: false });
  }

  /** INCRBYFLOAT: the new value. */
  incrbyfloat(key: RedisKey, increment: number): Promise<number> {
    return this.sendCommand({
      name: 'INCRBYFLOAT',
      args: [key, increment],
      returnBuffers: false,
      transform: toDouble,
    });
  }

  /** DECR: the new value. */
  decr(key: RedisKey): Promise<RedisInteger> {
    return this.sendCommand({ name: 'DECR', args: [key], returnBuffers: false });
  }

  /** DECRBY: the new value. */
  decrby(key: RedisKey, decrement: number | bigint): Promise<RedisInteger> {
    return this.sendCommand({ name: 'DECRBY', args: [key, decrement], returnBuffers: false });
  }

  /** APPEND: the length of the value after appending. */
  append(key: RedisKey, value: RedisArg): Promise<number> {
    return this.sendCommand({ name: 'APPEND', args: [key, value], returnBuffers: false });
  }

  /** STRLEN: the length of the value in bytes (0 when missing). */
  strlen(key: RedisKey): Promise<number> {
    return this.sendCommand({ name: 'STRLEN', args: [key], returnBuffers: false });
  }

  /** GETRANGE: the substring between two byte offsets (inclusive, negative from the end). */
  getrange(key: RedisKey, start: number, end: number): Promise<S> {
    return this.sendCommand({ name: 'GETRANGE', args: [key, start, end], returnBuffers: this.returnBuffers });
  }

  /** SETRANGE: overwrites from a byte offset; the length of the value after it. */
  setrange(key: RedisKey, offset: number, value: RedisArg): Promise<number> {
    return this.sendCommand({ name: 'SETRANGE', args: [key, offset, value], returnBuffers: false });
  }
}
