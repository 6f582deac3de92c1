import { defaultDbStatementSerializer } from '@opentelemetry/redis-common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactedStatement } from '../../src/redacted-statement.js';

// Command names across every family the serializer distinguishes, and some it does not know.
const NAMES = [
  'GET',
  'SET',
  'SETEX',
  'GETSET',
  'MSET',
  'HSET',
  'HMSET',
  'HGETALL',
  'HMGET',
  'HINCRBY',
  'LPUSH',
  'RPUSH',
  'LSET',
  'LINSERT',
  'LRANGE',
  'LTRIM',
  'BLPOP',
  'BZPOPMIN',
  'SADD',
  'SMEMBERS',
  'ZADD',
  'ZRANGE',
  'ZSCORE',
  'XADD',
  'XREAD',
  'XACK',
  'PUBLISH',
  'SPUBLISH',
  'PFADD',
  'PSETEX',
  'ECHO',
  'AUTH',
  'HELLO',
  'ACL',
  'CONFIG',
  'CLIENT',
  'CLUSTER',
  'EVAL',
  'EVALSHA',
  'EXPIRE',
  'EXISTS',
  'DEL',
  'INCR',
  'DECRBY',
  'GEOADD',
  'BITCOUNT',
  'MEMORY',
  'PING',
  'MIGRATE',
  'RENAME',
  'TYPE',
  'MULTI',
  'FUNCTION',
  'set',
  'hset',
  'auth',
];

describe('redactedStatement', () => {
  it('writes the same text as @opentelemetry/redis-common for any command and arguments', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...NAMES),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 6 }),
        (name, args) => {
          expect(redactedStatement(name, args)).toBe(defaultDbStatementSerializer(name, [...args]));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never shows a value, a password or a config value', () => {
    expect(redactedStatement('SET', ['user:1', 'secret'])).toBe('SET user:1 [1 other arguments]');
    expect(redactedStatement('AUTH', ['default', 'hunter2'])).toBe('AUTH [2 other arguments]');
    expect(redactedStatement('CONFIG', ['SET', 'requirepass', 'hunter2'])).toBe(
      'CONFIG SET [2 other arguments]',
    );
    expect(redactedStatement('HSET', ['user:1', 'email', 'a@b.c'])).toBe(
      'HSET user:1 email [1 other arguments]',
    );
  });
});
