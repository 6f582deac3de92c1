import type { RedisArg } from '../command.js';

/**
 * The commands whose replies are cached: read-only, deterministic, reading exactly one key (their first argument),
 * so that the server's invalidation of that key covers everything the reply depends on. Commands whose reply
 * changes with time alone (TTL, PTTL, OBJECT IDLETIME), with chance (SRANDMEMBER, HRANDFIELD) or that write
 * (GETEX, GETDEL) are not here. MGET is served per key (as GET) by the cache itself.
 */
export const CACHEABLE_COMMANDS: ReadonlySet<string> = new Set([
  // strings
  'GET',
  'GETRANGE',
  'STRLEN',
  'GETBIT',
  'BITCOUNT',
  'BITPOS',
  // keys (EXISTS only with one key)
  'EXISTS',
  'TYPE',
  // hashes
  'HGET',
  'HMGET',
  'HGETALL',
  'HEXISTS',
  'HKEYS',
  'HVALS',
  'HLEN',
  'HSTRLEN',
  // lists
  'LRANGE',
  'LINDEX',
  'LLEN',
  'LPOS',
  // sets
  'SMEMBERS',
  'SISMEMBER',
  'SMISMEMBER',
  'SCARD',
  // sorted sets
  'ZSCORE',
  'ZMSCORE',
  'ZRANGE',
  'ZRANGEBYSCORE',
  'ZRANGEBYLEX',
  'ZREVRANGE',
  'ZREVRANGEBYSCORE',
  'ZREVRANGEBYLEX',
  'ZRANK',
  'ZREVRANK',
  'ZCARD',
  'ZCOUNT',
  'ZLEXCOUNT',
]);

/**
 * The text the cache indexes a key by: the key itself, or a Buffer key's UTF-8 text, which is how the server's
 * invalidation messages name it. A Buffer key that is not valid UTF-8 would not round-trip (two keys could share a
 * text): such keys are not cached (undefined).
 */
export function keyText(key: RedisArg): string | undefined {
  if (typeof key === 'string') return key;
  if (!Buffer.isBuffer(key)) return undefined;
  const text = key.toString('utf8');
  return Buffer.byteLength(text) === key.length && Buffer.from(text).equals(key) ? text : undefined;
}

/**
 * The entry key of one cacheable command: its name, the view (`s`tring or `b`uffer: cached apart, since their
 * replies differ) and every argument with its type and length, so that no two distinct commands share an entry.
 * Undefined when the command is not cacheable.
 */
export function entryKeyOf(name: string, args: readonly RedisArg[], buffers: boolean): string | undefined {
  if (!CACHEABLE_COMMANDS.has(name) || args.length === 0) return undefined;
  if (name === 'EXISTS' && args.length !== 1) return undefined;
  let entryKey = buffers ? `${name}\u0000b` : `${name}\u0000s`;
  for (let i = 0; i < args.length; i++) entryKey += argText(args[i]!);
  return entryKey;
}

/** The entry key GET would have for `key` (MGET is served per key as GET). */
export function getEntryKey(key: string, buffers: boolean): string {
  return `${buffers ? 'GET\u0000b' : 'GET\u0000s'}${key.length}:s${key}`;
}

function argText(arg: RedisArg): string {
  if (typeof arg === 'string') return `${arg.length}:s${arg}`;
  if (Buffer.isBuffer(arg)) {
    // latin1 maps each byte to one character: exact, and distinct from the same text given as a string.
    const bytes = arg.toString('latin1');
    return `${bytes.length}:b${bytes}`;
  }
  const text = String(arg);
  return `${text.length}:n${text}`;
}
