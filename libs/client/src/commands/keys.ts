import type { RedisArg, RedisKey } from '../command.js';
import { listOf } from './base.js';
import { toBoolean, toText } from './replies.js';
import { StringCommands } from './strings.js';
import type { ExpireMode, ScanOptions, Variadic } from './types.js';

/** Options of SCAN. */
export interface KeyScanOptions extends ScanOptions {
  /** Only keys of this type (TYPE), e.g. `'hash'`. */
  type?: string | undefined;
}

/** One page of SCAN. `cursor` is `'0'` when the iteration is complete. */
export interface KeyScanPage<S> {
  cursor: string;
  keys: S[];
}

/** Options of COPY. */
export interface CopyOptions {
  /** Copy into this database (DB). */
  db?: number | undefined;
  /** Overwrite the destination (REPLACE). */
  replace?: boolean | undefined;
}

/** Options of RESTORE. */
export interface RestoreOptions {
  /** Overwrite an existing key (REPLACE). */
  replace?: boolean | undefined;
  /** The TTL is a Unix time in milliseconds (ABSTTL). */
  absTtl?: boolean | undefined;
  /** Set the object's idle time in seconds (IDLETIME). */
  idleTime?: number | undefined;
  /** Set the object's LFU frequency (FREQ). */
  freq?: number | undefined;
}

function expireArgs(key: RedisKey, time: number, mode: ExpireMode | undefined): RedisArg[] {
  return mode === undefined ? [key, time] : [key, time, mode];
}

function scanArgs(cursor: RedisArg, options: KeyScanOptions): RedisArg[] {
  const args: RedisArg[] = [cursor];
  if (options.match !== undefined) args.push('MATCH', options.match);
  if (options.count !== undefined) args.push('COUNT', options.count);
  if (options.type !== undefined) args.push('TYPE', options.type);
  return args;
}

function copyArgs(source: RedisKey, destination: RedisKey, options: CopyOptions): RedisArg[] {
  const args: RedisArg[] = [source, destination];
  if (options.db !== undefined) args.push('DB', options.db);
  if (options.replace) args.push('REPLACE');
  return args;
}

function restoreArgs(key: RedisKey, ttl: number, serialized: Buffer, options: RestoreOptions): RedisArg[] {
  const args: RedisArg[] = [key, ttl, serialized];
  if (options.replace) args.push('REPLACE');
  if (options.absTtl) args.push('ABSTTL');
  if (options.idleTime !== undefined) args.push('IDLETIME', options.idleTime);
  if (options.freq !== undefined) args.push('FREQ', options.freq);
  return args;
}

/** `[cursor, keys]` → `{ cursor, keys }`, in both views. */
function toKeyScanPage(reply: unknown): KeyScanPage<unknown> {
  const pair = reply as [unknown, unknown[]];
  return { cursor: toText(pair[0]), keys: pair[1] };
}

/** Generic key commands: existence, expiry, renaming, serialisation, iteration. */
export abstract class KeyCommands<S extends string | Buffer = string> extends StringCommands<S> {
  /** DEL: how many of the keys were deleted. */
  del(...keys: Variadic<RedisKey>): Promise<number> {
    return this.sendCommand({ name: 'DEL', args: listOf(keys), returnBuffers: false });
  }

  /** UNLINK: how many of the keys were removed (their memory is freed in the background). */
  unlink(...keys: Variadic<RedisKey>): Promise<number> {
    return this.sendCommand({ name: 'UNLINK', args: listOf(keys), returnBuffers: false });
  }

  /** EXISTS: how many of the keys exist (a key named twice counts twice). */
  exists(...keys: Variadic<RedisKey>): Promise<number> {
    return this.sendCommand({ name: 'EXISTS', args: listOf(keys), returnBuffers: false });
  }

  /** TOUCH: how many of the keys exist (their last access time is updated). */
  touch(...keys: Variadic<RedisKey>): Promise<number> {
    return this.sendCommand({ name: 'TOUCH', args: listOf(keys), returnBuffers: false });
  }

  /** EXPIRE: true when the TTL (in seconds) was set; false when the key is missing or `mode` prevented it. */
  expire(key: RedisKey, seconds: number, mode?: ExpireMode): Promise<boolean> {
    const args = expireArgs(key, seconds, mode);
    return this.sendCommand({ name: 'EXPIRE', args, returnBuffers: false, transform: toBoolean });
  }

  /** PEXPIRE: like `expire`, in milliseconds. */
  pexpire(key: RedisKey, milliseconds: number, mode?: ExpireMode): Promise<boolean> {
    const args = expireArgs(key, milliseconds, mode);
    return this.sendCommand({ name: 'PEXPIRE', args, returnBuffers: false, transform: toBoolean });
  }

  /** EXPIREAT: like `expire`, at a Unix time in seconds. */
  expireat(key: RedisKey, unixSeconds: number, mode?: ExpireMode): Promise<boolean> {
    const args = expireArgs(key, unixSeconds, mode);
    return this.sendCommand({ name: 'EXPIREAT', args, returnBuffers: false, transform: toBoolean });
  }

  /** PEXPIREAT: like `expire`, at a Unix time in milliseconds. */
  pexpireat(key: RedisKey, unixMilliseconds: number, mode?: ExpireMode): Promise<boolean> {
    const args = expireArgs(key, unixMilliseconds, mode);
    return this.sendCommand({ name: 'PEXPIREAT', args, returnBuffers: false, transform: toBoolean });
  }

  /** TTL: seconds left; -1 when the key has no TTL, -2 when it does not exist. */
  ttl(key: RedisKey): Promise<number> {
    return this.sendCommand({ name: 'TTL', args: [key], returnBuffers: false });
  }

  /** PTTL: milliseconds left; -1 when the key has no TTL, -2 when it does not exist. */
  pttl(key: RedisKey): Promise<number> {
    return this.sendCommand({ name: 'PTTL', args: [key], returnBuffers: false });
  }

  /** EXPIRETIME: the Unix time in seconds the key expires at; -1 without TTL, -2 when missing. */
  expiretime(key: RedisKey): Promise<number> {
    return this.sendCommand({ name: 'EXPIRETIME', args: [key], returnBuffers: false });
  }

  /** PEXPIRETIME: the Unix time in milliseconds the key expires at; -1 without TTL, -2 when missing. */
  pexpiretime(key: RedisKey): Promise<number> {
    return this.sendCommand({ name: 'PEXPIRETIME', args: [key], returnBuffers: false });
  }

  /** PERSIST: true when a TTL was removed. */
  persist(key: RedisKey): Promise<boolean> {
    return this.sendCommand({ name: 'PERSIST', args: [key], returnBuffers: false, transform: toBoolean });
  }

  /** TYPE: `'string'`, `'list'`, `'set'`, `'zset'`, `'hash'`, `'stream'`..., or `'none'` when missing. */
  type(key: RedisKey): Promise<string> {
    return this.sendCommand({ name: 'TYPE', args: [key], returnBuffers: false });
  }

  /** RENAME: `'OK'` (the destination is overwritten). */
  rename(key: RedisKey, newKey: RedisKey): Promise<'OK'> {
    return this.sendCommand({ name: 'RENAME', args: [key, newKey], returnBuffers: false });
  }

  /** RENAMENX: true when renamed; false when the new name already exists. */
  renamenx(key: RedisKey, newKey: RedisKey): Promise<boolean> {
    return this.sendCommand({
      name: 'RENAMENX',
      args: [key, newKey],
      returnBuffers: false,
      transform: toBoolean,
    });
  }

  /** COPY: true when copied; false when the destination exists (without `replace`). */
  copy(source: RedisKey, destination: RedisKey, options?: CopyOptions): Promise<boolean> {
    const args = options === undefined ? [source, destination] : copyArgs(source, destination, options);
    return this.sendCommand({ name: 'COPY', args, returnBuffers: false, transform: toBoolean });
  }

  /** DUMP: the serialised value, always as a Buffer (it is binary); null when the key does not exist. */
  dump(key: RedisKey): Promise<Buffer | null> {
    return this.sendCommand({ name: 'DUMP', args: [key], returnBuffers: true });
  }

  /** RESTORE: recreates a key from `dump` output with a TTL in ms (0: none); `'OK'`. */
  restore(key: RedisKey, ttl: number, serialized: Buffer, options?: RestoreOptions): Promise<'OK'> {
    const args = options === undefined ? [key, ttl, serialized] : restoreArgs(key, ttl, serialized, options);
    return this.sendCommand({ name: 'RESTORE', args, returnBuffers: false });
  }

  /** OBJECT ENCODING: the internal encoding (`'listpack'`, `'hashtable'`...), or null when the key is missing. */
  objectEncoding(key: RedisKey): Promise<string | null> {
    return this.sendCommand({ name: 'OBJECT', args: ['ENCODING', key], returnBuffers: false });
  }

  /** OBJECT FREQ: the LFU access frequency (needs an LFU maxmemory-policy); null when missing. */
  objectFreq(key: RedisKey): Promise<number | null> {
    return this.sendCommand({ name: 'OBJECT', args: ['FREQ', key], returnBuffers: false });
  }

  /** OBJECT IDLETIME: seconds since the last access (needs an LRU policy); null when missing. */
  objectIdletime(key: RedisKey): Promise<number | null> {
    return this.sendCommand({ name: 'OBJECT', args: ['IDLETIME', key], returnBuffers: false });
  }

  /** OBJECT REFCOUNT: the value's reference count; null when missing. */
  objectRefcount(key: RedisKey): Promise<number | null> {
    return this.sendCommand({ name: 'OBJECT', args: ['REFCOUNT', key], returnBuffers: false });
  }

  /** RANDOMKEY: a random key, or null when the database is empty. */
  randomkey(): Promise<S | null> {
    return this.sendCommand({ name: 'RANDOMKEY', args: [], returnBuffers: this.returnBuffers });
  }

  /** KEYS: every key matching a glob pattern (scans the whole keyspace: prefer `scan`). */
  keys(pattern: RedisArg): Promise<S[]> {
    return this.sendCommand({ name: 'KEYS', args: [pattern], returnBuffers: this.returnBuffers });
  }

  /** SCAN on one node: `{ cursor, keys }`; iterate until `cursor` is `'0'`. */
  scan(cursor: string | number, options?: KeyScanOptions): Promise<KeyScanPage<S>> {
    const args = options === undefined ? [cursor] : scanArgs(cursor, options);
    return this.sendCommand({
      name: 'SCAN',
      args,
      returnBuffers: this.returnBuffers,
      transform: toKeyScanPage as (reply: unknown) => KeyScanPage<S>,
    });
  }
}
