import type { RedisArg, RedisKey } from '../command.js';
import { keyScanArgs, listOf, prepend, pushNumKeys } from './base.js';
import { ListCommands } from './lists.js';
import { toBoolean, toBooleans, toText } from './replies.js';
import type { ScanOptions, Variadic } from './types.js';

/** One page of SSCAN. `cursor` is `'0'` when the iteration is complete. */
export interface SetScanPage<S> {
  cursor: string;
  members: S[];
}

function sintercardArgs(keys: RedisKey | readonly RedisKey[], limit: number | undefined): RedisArg[] {
  const args: RedisArg[] = [];
  pushNumKeys(args, keys);
  if (limit !== undefined) args.push('LIMIT', limit);
  return args;
}

function toSetScanPage(reply: unknown): SetScanPage<unknown> {
  const pair = reply as [unknown, unknown[]];
  return { cursor: toText(pair[0]), members: pair[1] };
}

/** Set commands. RESP3 set replies come back as arrays. */
export abstract class SetCommands<S extends string | Buffer = string> extends ListCommands<S> {
  /** SADD: how many members were new. */
  sadd(key: RedisKey, ...members: Variadic<RedisArg>): Promise<number> {
    return this.sendCommand({ name: 'SADD', args: prepend(key, members), returnBuffers: false });
  }

  /** SREM: how many members were removed. */
  srem(key: RedisKey, ...members: Variadic<RedisArg>): Promise<number> {
    return this.sendCommand({ name: 'SREM', args: prepend(key, members), returnBuffers: false });
  }

  /** SMEMBERS: every member (in no particular order). */
  smembers(key: RedisKey): Promise<S[]> {
    return this.sendCommand({ name: 'SMEMBERS', args: [key], returnBuffers: this.returnBuffers });
  }

  /** SISMEMBER: true when the member is in the set. */
  sismember(key: RedisKey, member: RedisArg): Promise<boolean> {
    return this.sendCommand({
      name: 'SISMEMBER',
      args: [key, member],
      returnBuffers: false,
      transform: toBoolean,
    });
  }

  /** SMISMEMBER: for each member, in order, whether it is in the set. */
  smismember(key: RedisKey, ...members: Variadic<RedisArg>): Promise<boolean[]> {
    return this.sendCommand({
      name: 'SMISMEMBER',
      args: prepend(key, members),
      returnBuffers: false,
      transform: toBooleans,
    });
  }

  /** SCARD: the number of members. */
  scard(key: RedisKey): Promise<number> {
    return this.sendCommand({ name: 'SCARD', args: [key], returnBuffers: false });
  }

  /** SPOP: removes a random member and returns it (null when missing); with `count`, up to that many. */
  spop(key: RedisKey): Promise<S | null>;
  spop(key: RedisKey, count: number): Promise<S[]>;
  spop(key: RedisKey, count?: number): Promise<S | S[] | null> {
    const args = count === undefined ? [key] : [key, count];
    return this.sendCommand({ name: 'SPOP', args, returnBuffers: this.returnBuffers });
  }

  /** SRANDMEMBER: a random member (null when missing); with `count`, up to that many (repeated when negative). */
  srandmember(key: RedisKey): Promise<S | null>;
  srandmember(key: RedisKey, count: number): Promise<S[]>;
  srandmember(key: RedisKey, count?: number): Promise<S | S[] | null> {
    const args = count === undefined ? [key] : [key, count];
    return this.sendCommand({ name: 'SRANDMEMBER', args, returnBuffers: this.returnBuffers });
  }

  /** SMOVE: true when the member was moved from `source` to `destination`. */
  smove(source: RedisKey, destination: RedisKey, member: RedisArg): Promise<boolean> {
    return this.sendCommand({
      name: 'SMOVE',
      args: [source, destination, member],
      returnBuffers: false,
      transform: toBoolean,
    });
  }

  /** SINTER: the members in every set. */
  sinter(...keys: Variadic<RedisKey>): Promise<S[]> {
    return this.sendCommand({ name: 'SINTER', args: listOf(keys), returnBuffers: this.returnBuffers });
  }

  /** SUNION: the members in any set. */
  sunion(...keys: Variadic<RedisKey>): Promise<S[]> {
    return this.sendCommand({ name: 'SUNION', args: listOf(keys), returnBuffers: this.returnBuffers });
  }

  /** SDIFF: the members of the first set that are in none of the others. */
  sdiff(...keys: Variadic<RedisKey>): Promise<S[]> {
    return this.sendCommand({ name: 'SDIFF', args: listOf(keys), returnBuffers: this.returnBuffers });
  }

  /** SINTERSTORE: stores the intersection in `destination`; its size. */
  sinterstore(destination: RedisKey, ...keys: Variadic<RedisKey>): Promise<number> {
    return this.sendCommand({ name: 'SINTERSTORE', args: prepend(destination, keys), returnBuffers: false });
  }

  /** SUNIONSTORE: stores the union in `destination`; its size. */
  sunionstore(destination: RedisKey, ...keys: Variadic<RedisKey>): Promise<number> {
    return this.sendCommand({ name: 'SUNIONSTORE', args: prepend(destination, keys), returnBuffers: false });
  }

  /** SDIFFSTORE: stores the difference in `destination`; its size. */
  sdiffstore(destination: RedisKey, ...keys: Variadic<RedisKey>): Promise<number> {
    return this.sendCommand({ name: 'SDIFFSTORE', args: prepend(destination, keys), returnBuffers: false });
  }

  /** SINTERCARD: the size of the intersection, counting up to `limit` when given. */
  sintercard(keys: RedisKey | readonly RedisKey[], options?: { limit?: number }): Promise<number> {
    return this.sendCommand({
      name: 'SINTERCARD',
      args: sintercardArgs(keys, options?.limit),
      returnBuffers: false,
    });
  }

  /** SSCAN: `{ cursor, members }`; iterate until `cursor` is `'0'`. */
  sscan(key: RedisKey, cursor: string | number, options?: ScanOptions): Promise<SetScanPage<S>> {
    return this.sendCommand({
      name: 'SSCAN',
      args: keyScanArgs(key, cursor, options),
      returnBuffers: this.returnBuffers,
      transform: toSetScanPage as (reply: unknown) => SetScanPage<S>,
    });
  }
}
