import type { RedisArg, RedisKey } from '../command.js';
import { keyScanArgs, prepend } from './base.js';
import { KeyCommands } from './keys.js';
import { pushFields, toBoolean, toDouble, toMap, toRecord, toText } from './replies.js';
import type { FieldMap, FieldsInput, RedisInteger, ScanOptions, Variadic } from './types.js';

/** One field and its value (HRANDFIELD WITHVALUES, where fields may repeat). */
export interface FieldValue<S> {
  field: S;
  value: S;
}

/** One page of HSCAN. `cursor` is `'0'` when the iteration is complete. */
export interface HashScanPage<S> {
  cursor: string;
  fields: FieldMap<S>;
}

function hsetArgs(key: RedisKey, fields: FieldsInput): RedisArg[] {
  const args: RedisArg[] = [key];
  pushFields(args, fields);
  return args;
}

/** RESP2 `[f, v, ...]` or RESP3 `[[f, v], ...]` → `{ field, value }[]`. */
function toFieldValues(reply: unknown): FieldValue<unknown>[] {
  const items = reply as unknown[];
  const out: FieldValue<unknown>[] = [];
  if (items.length === 0) return out;
  if (Array.isArray(items[0])) {
    for (const pair of items as unknown[][]) out.push({ field: pair[0], value: pair[1] });
  } else {
    for (let i = 0; i + 1 < items.length; i += 2) out.push({ field: items[i], value: items[i + 1] });
  }
  return out;
}

function toHashScanRecord(reply: unknown): HashScanPage<string> {
  const pair = reply as [unknown, unknown];
  return { cursor: toText(pair[0]), fields: toRecord(pair[1]) as Record<string, string> };
}

function toHashScanMap(reply: unknown): HashScanPage<Buffer> {
  const pair = reply as [unknown, unknown];
  return { cursor: toText(pair[0]), fields: toMap(pair[1]) as Map<Buffer, Buffer> };
}

/** Hash commands. */
export abstract class HashCommands<S extends string | Buffer = string> extends KeyCommands<S> {
  /** HSET: sets fields (an object or Map, or one field and value); how many fields were new. */
  hset(key: RedisKey, fields: FieldsInput): Promise<number>;
  hset(key: RedisKey, field: RedisArg, value: RedisArg): Promise<number>;
  hset(key: RedisKey, fieldsOrField: FieldsInput | RedisArg, value?: RedisArg): Promise<number> {
    const args =
      value === undefined
        ? hsetArgs(key, fieldsOrField as FieldsInput)
        : [key, fieldsOrField as RedisArg, value];
    return this.sendCommand({ name: 'HSET', args, returnBuffers: false });
  }

  /** HGET: the field's value, or null. */
  hget(key: RedisKey, field: RedisArg): Promise<S | null> {
    return this.sendCommand({ name: 'HGET', args: [key, field], returnBuffers: this.returnBuffers });
  }

  /** HMGET: the values in field order, null for missing fields. */
  hmget(key: RedisKey, ...fields: Variadic<RedisArg>): Promise<(S | null)[]> {
    return this.sendCommand({ name: 'HMGET', args: prepend(key, fields), returnBuffers: this.returnBuffers });
  }

  /** HGETALL: every field and value (an object; a Map with Buffer keys on the Buffer view); empty when missing. */
  hgetall(key: RedisKey): Promise<FieldMap<S>> {
    const buffers = this.returnBuffers;
    return this.sendCommand({
      name: 'HGETALL',
      args: [key],
      returnBuffers: buffers,
      transform: (buffers ? toMap : toRecord) as (reply: unknown) => FieldMap<S>,
    });
  }

  /** HDEL: how many of the fields were removed. */
  hdel(key: RedisKey, ...fields: Variadic<RedisArg>): Promise<number> {
    return this.sendCommand({ name: 'HDEL', args: prepend(key, fields), returnBuffers: false });
  }

  /** HEXISTS: true when the field exists. */
  hexists(key: RedisKey, field: RedisArg): Promise<boolean> {
    return this.sendCommand({
      name: 'HEXISTS',
      args: [key, field],
      returnBuffers: false,
      transform: toBoolean,
    });
  }

  /** HINCRBY: the field's new value. */
  hincrby(key: RedisKey, field: RedisArg, increment: number | bigint): Promise<RedisInteger> {
    return this.sendCommand({ name: 'HINCRBY', args: [key, field, increment], returnBuffers: false });
  }

  /** HINCRBYFLOAT: the field's new value. */
  hincrbyfloat(key: RedisKey, field: RedisArg, increment: number): Promise<number> {
    return this.sendCommand({
      name: 'HINCRBYFLOAT',
      args: [key, field, increment],
      returnBuffers: false,
      transform: toDouble,
    });
  }

  /** HKEYS: every field name. */
  hkeys(key: RedisKey): Promise<S[]> {
    return this.sendCommand({ name: 'HKEYS', args: [key], returnBuffers: this.returnBuffers });
  }

  /** HVALS: every value. */
  hvals(key: RedisKey): Promise<S[]> {
    return this.sendCommand({ name: 'HVALS', args: [key], returnBuffers: this.returnBuffers });
  }

  /** HLEN: the number of fields. */
  hlen(key: RedisKey): Promise<number> {
    return this.sendCommand({ name: 'HLEN', args: [key], returnBuffers: false });
  }

  /** HSETNX: true when the field was set (it did not exist). */
  hsetnx(key: RedisKey, field: RedisArg, value: RedisArg): Promise<boolean> {
    return this.sendCommand({
      name: 'HSETNX',
      args: [key, field, value],
      returnBuffers: false,
      transform: toBoolean,
    });
  }

  /** HSTRLEN: the length in bytes of the field's value (0 when missing). */
  hstrlen(key: RedisKey, field: RedisArg): Promise<number> {
    return this.sendCommand({ name: 'HSTRLEN', args: [key, field], returnBuffers: false });
  }

  /** HRANDFIELD: a random field name, or null when the hash is missing; with `count`, up to that many names. */
  hrandfield(key: RedisKey): Promise<S | null>;
  hrandfield(key: RedisKey, count: number): Promise<S[]>;
  hrandfield(key: RedisKey, count?: number): Promise<S | S[] | null> {
    const args = count === undefined ? [key] : [key, count];
    return this.sendCommand({ name: 'HRANDFIELD', args, returnBuffers: this.returnBuffers });
  }

  /** HRANDFIELD WITHVALUES: random fields with their values (repeated when `count` is negative). */
  hrandfieldWithValues(key: RedisKey, count: number): Promise<FieldValue<S>[]> {
    return this.sendCommand({
      name: 'HRANDFIELD',
      args: [key, count, 'WITHVALUES'],
      returnBuffers: this.returnBuffers,
      transform: toFieldValues as (reply: unknown) => FieldValue<S>[],
    });
  }

  /** HSCAN: `{ cursor, fields }`; iterate until `cursor` is `'0'`. */
  hscan(key: RedisKey, cursor: string | number, options?: ScanOptions): Promise<HashScanPage<S>> {
    const buffers = this.returnBuffers;
    return this.sendCommand({
      name: 'HSCAN',
      args: keyScanArgs(key, cursor, options),
      returnBuffers: buffers,
      transform: (buffers ? toHashScanMap : toHashScanRecord) as (reply: unknown) => HashScanPage<S>,
    });
  }
}
