/** Reply and argument types shared by the command families. */
import type { RedisArg, RedisKey } from '../command.js';

/** A list given either as separate arguments or as one array: `del('a', 'b')` or `del(['a', 'b'])`. */
export type Variadic<T> = T[] | [readonly T[]];

/**
 * Field/value pairs from the server (HGETALL, CONFIG GET, stream entry fields...). The string view gives a plain
 * object with a null prototype; the Buffer view gives a `Map` whose keys are the exact bytes the server sent (two
 * fields never collapse into one, and `Map#get` with another Buffer of the same bytes does not find them: iterate).
 */
export type FieldMap<S, V = S> = [S] extends [Buffer] ? Map<Buffer, V> : Record<string, V>;

/** Field/value pairs to send: a plain object, or a `Map` (for binary field names). */
export type FieldsInput = Readonly<Record<string, RedisArg>> | ReadonlyMap<RedisArg, RedisArg>;

/** Key/value pairs to send (MSET): a plain object, or a `Map` (for binary keys). */
export type KeyValuesInput = Readonly<Record<string, RedisArg>> | ReadonlyMap<RedisKey, RedisArg>;

/**
 * An integer the server computed from user data (INCR, HINCRBY...). A `bigint` when it lies beyond
 * ±2^53, where a `number` would lose precision.
 */
export type RedisInteger = number | bigint;

/** A sorted-set member with its score. */
export interface ScoredMember<S> {
  value: S;
  score: number;
}

/** Options of the SCAN family (MATCH, COUNT). */
export interface ScanOptions {
  /** Glob-style pattern (MATCH). */
  match?: RedisArg | undefined;
  /** How much work the server does per call (COUNT), not an exact page size. */
  count?: number | undefined;
}

/** A stream entry: its ID (always text) and its fields. */
export interface StreamEntry<S> {
  id: string;
  fields: FieldMap<S>;
}

/**
 * A stream entry read from a consumer group's pending history or claimed: `fields` is null when the entry was
 * deleted after it was delivered.
 */
export interface PendingStreamEntry<S> {
  id: string;
  fields: FieldMap<S> | null;
}

/** The entries one stream returned to XREAD / XREADGROUP. */
export interface StreamMessages<S, E = StreamEntry<S>> {
  /** The stream's key. */
  name: S;
  messages: E[];
}

/** The side of a list (LMOVE, LMPOP...). */
export type ListSide = 'LEFT' | 'RIGHT';

/** When EXPIRE and friends apply (Redis 7): NX (no TTL yet), XX (has a TTL), GT / LT (new TTL is greater / less). */
export type ExpireMode = 'NX' | 'XX' | 'GT' | 'LT';

/** How FLUSHDB / FLUSHALL / SCRIPT FLUSH / FUNCTION FLUSH free memory. */
export type FlushMode = 'ASYNC' | 'SYNC';
