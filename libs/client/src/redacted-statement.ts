import type { RedisArg } from './command.js';

/**
 * How many leading arguments each command family keeps in its traced text; the others become a count. The same
 * families and counts as `@opentelemetry/redis-common`'s serializer, so keyslot's spans read like those of the
 * ioredis and node-redis instrumentations: keys and structure are kept, values (which may hold secrets or personal
 * data) are not. Matched on the name's start; the first family that matches wins; none matching keeps nothing.
 */
const KEPT_ARGUMENTS: readonly (readonly [prefixes: readonly string[], kept: number])[] = [
  [['ECHO'], 0],
  [
    [
      'GETSET',
      'LPUSH',
      'MSET',
      'PFA',
      'PSETEX',
      'PUBLISH',
      'RPUSH',
      'SADD',
      'SET',
      'SPUBLISH',
      'XADD',
      'ZADD',
    ],
    1,
  ],
  [['HSET', 'HMSET', 'LSET', 'LINSERT'], 2],
  // Their subcommands' arguments may be passwords: the subcommand name only.
  [['ACL', 'CONFIG'], 1],
  [
    [
      'BIT',
      'BL',
      'BR',
      'BZ',
      'CLIENT',
      'CLUSTER',
      'COMMAND',
      'DECR',
      'DEL',
      'EVAL',
      'EX',
      'FUNCTION',
      'GEO',
      'GET',
      'HINCR',
      'HMGET',
      'HSCAN',
      'INCR',
      'LT',
      'LR',
      'LL',
      'LM',
      'MEMORY',
      'PE',
      'PF',
      'PI',
      'PS',
      'PT',
      'PU',
      'RPOP',
      'SC',
      'SD',
      'SI',
      'SM',
      'SO',
      'SR',
      'SS',
      'SU',
      'XACK',
      'XC',
      'XD',
      'XG',
      'XI',
      'XL',
      'XP',
      'XR',
      'XT',
      'ZC',
      'ZD',
      'ZI',
      'ZL',
      'ZM',
      'ZP',
      'ZR',
      'ZS',
    ],
    -1,
  ],
];

function keptArguments(name: string): number {
  const upper = name.toUpperCase();
  for (const [prefixes, kept] of KEPT_ARGUMENTS) {
    if (prefixes.some((prefix) => upper.startsWith(prefix))) return kept;
  }
  return 0;
}

/** The command text a trace may carry: the name, the arguments its family keeps, and how many were left out. */
export function redactedStatement(name: string, args: readonly RedisArg[]): string {
  if (args.length === 0) return name;
  const kept = keptArguments(name);
  const shown = (kept < 0 ? args : args.slice(0, kept)).map(String);
  if (args.length > shown.length) shown.push(`[${args.length - shown.length} other arguments]`);
  return `${name} ${shown.join(' ')}`;
}
