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

/** Starts every multi-argument form, and a one-argument key that starts with it: the two forms never meet. */
const MANY_ARGS = '\u0000';

/**
 * What tells apart two entries of one command in one view: for a command of one argument, the key's text itself
 * (no copy: the caller's string is the lookup key); otherwise `\u0000`, then the key and every argument with its
 * type and length, so that no two distinct argument lists share an entry. A one-argument key that itself starts
 * with `\u0000` takes the long form, so no key can spell another call's arguments (`BITCOUNT '1:x1:s01:s1'` is not
 * `BITCOUNT x 0 1`). Undefined when the command is not cacheable.
 */
export function argsKeyOf(name: string, args: readonly RedisArg[]): string | undefined {
  if (!CACHEABLE_COMMANDS.has(name) || args.length === 0) return undefined;
  const key = keyText(args[0]!);
  if (key === undefined) return undefined;
  if (args.length === 1 && key.charCodeAt(0) !== 0) return key;
  if (name === 'EXISTS' && args.length > 1) return undefined;
  let argsKey = `${MANY_ARGS}${key.length}:${key}`;
  for (let i = 1; i < args.length; i++) argsKey += argText(args[i]!);
  return argsKey;
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
