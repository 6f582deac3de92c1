import { describe, expect, it } from 'vitest';
import type { RedisArg } from '../../../src/command.js';
import {
  commandFlags,
  commandKeys,
  firstKey,
  keyIndexes,
  safeToResend,
  singleKeyCommand,
} from '../../../src/commands/command-info.js';

describe('commandFlags', () => {
  it('reads the flags of plain commands, in any case, the same object each time', () => {
    const get = commandFlags('GET');
    expect(get).toMatchObject({ known: true, readonly: true, write: false, blocking: false, fast: true });
    expect(commandFlags('get')).toBe(get);
    expect(commandFlags('Get')).toBe(get);
    expect(commandFlags('SET')).toMatchObject({ readonly: false, write: true, denyoom: true });
    expect(commandFlags('BLPOP')).toMatchObject({ write: true, blocking: true });
    expect(commandFlags('XREAD')).toMatchObject({ readonly: true, blocking: true, movablekeys: true });
    expect(commandFlags('PUBLISH')).toMatchObject({ pubsub: true });
    expect(commandFlags('EVAL')).toMatchObject({ noscript: true, movablekeys: true });
  });

  it('gives the request and response policies for fan-out', () => {
    expect(commandFlags('DBSIZE')).toMatchObject({ requestPolicy: 'all_shards', responsePolicy: 'agg_sum' });
    expect(commandFlags('KEYS').requestPolicy).toBe('all_shards');
    expect(commandFlags('MSET')).toMatchObject({ requestPolicy: 'multi_shard' });
    expect(commandFlags('SCRIPT', ['LOAD', 'x']).requestPolicy).toBe('all_nodes');
    expect(commandFlags('GET').requestPolicy).toBeUndefined();
  });

  it('resolves subcommands when given the arguments', () => {
    expect(commandFlags('OBJECT').readonly).toBe(false);
    expect(commandFlags('OBJECT', ['ENCODING', 'k']).readonly).toBe(true);
    expect(commandFlags('object', ['encoding', 'k']).readonly).toBe(true);
    expect(commandFlags('OBJECT', [Buffer.from('Encoding'), 'k']).readonly).toBe(true);
    expect(commandFlags('XGROUP', ['CREATE', 's', 'g', '$']).write).toBe(true);
    expect(commandFlags('CONFIG', ['GET', 'x'])).toMatchObject({ admin: true, noscript: true });
    expect(commandFlags('OBJECT', ['NOPE']).known).toBe(true);
  });

  it('unknown commands: no flags, treated as a write', () => {
    expect(commandFlags('NOSUCHCOMMAND')).toMatchObject({
      known: false,
      write: true,
      readonly: false,
      blocking: false,
    });
  });
});

describe('keyIndexes and firstKey', () => {
  const cases: [string, string, RedisArg[], number[]][] = [
    ['plain', 'GET', ['k'], [0]],
    ['no args', 'GET', [], []],
    ['keyless', 'PING', [], []],
    ['keyless with arg', 'ECHO', ['x'], []],
    ['unknown', 'NOPE', ['a', 'b'], []],
    ['mget', 'MGET', ['a', 'b', 'c'], [0, 1, 2]],
    ['mset step 2', 'MSET', ['a', '1', 'b', '2'], [0, 2]],
    ['del', 'DEL', ['a', 'b'], [0, 1]],
    ['blpop keys then timeout', 'BLPOP', ['a', 'b', 0], [0, 1]],
    ['smove two keys', 'SMOVE', ['a', 'b', 'm'], [0, 1]],
    ['lmove', 'LMOVE', ['a', 'b', 'LEFT', 'RIGHT'], [0, 1]],
    ['eval', 'EVAL', ['return 1', 2, 'a', 'b', 'x'], [2, 3]],
    ['eval numkeys as string', 'EVAL', ['return 1', '1', 'a', 'x'], [2]],
    ['eval no keys', 'EVAL', ['return 1', 0, 'x'], []],
    ['eval numkeys beyond the arguments (server rejects it)', 'EVAL', ['s', 5, 'a'], [2]],
    ['evalsha', 'EVALSHA', ['sha', 1, 'k'], [2]],
    ['evalsha_ro', 'EVALSHA_RO', ['sha', 1, 'k'], [2]],
    ['fcall', 'FCALL', ['fn', 2, 'a', 'b', 'arg'], [2, 3]],
    ['fcall_ro', 'FCALL_RO', ['fn', 1, 'a'], [2]],
    ['xread', 'XREAD', ['COUNT', 1, 'STREAMS', 'a', 'b', '0', '0'], [3, 4]],
    ['xread block', 'XREAD', ['BLOCK', 0, 'STREAMS', 's', '$'], [3]],
    ['xreadgroup', 'XREADGROUP', ['GROUP', 'g', 'c', 'COUNT', 1, 'STREAMS', 's', '>'], [6]],
    ['zunionstore', 'ZUNIONSTORE', ['d', 2, 'a', 'b', 'WEIGHTS', 1, 2], [0, 2, 3]],
    ['zinterstore', 'ZINTERSTORE', ['d', 1, 'a'], [0, 2]],
    ['lmpop', 'LMPOP', [2, 'a', 'b', 'LEFT'], [1, 2]],
    ['blmpop', 'BLMPOP', [0, 2, 'a', 'b', 'LEFT', 'COUNT', 2], [2, 3]],
    ['zmpop', 'ZMPOP', [1, 'a', 'MIN'], [1]],
    ['bzmpop', 'BZMPOP', [1.5, 1, 'a', 'MAX'], [2]],
    ['sintercard', 'SINTERCARD', [2, 'a', 'b', 'LIMIT', 5], [1, 2]],
    ['migrate one key', 'MIGRATE', ['h', 6379, 'k', 0, 1000], [2]],
    ['migrate KEYS form', 'MIGRATE', ['h', 6379, '', 0, 1000, 'COPY', 'KEYS', 'a', 'b'], [7, 8]],
    [
      'migrate KEYS form, binary empty key',
      'MIGRATE',
      ['h', 6379, Buffer.alloc(0), 0, 1000, Buffer.from('keys'), 'a'],
      [6],
    ],
    ['object encoding', 'OBJECT', ['ENCODING', 'k'], [1]],
    ['object help', 'OBJECT', ['HELP'], []],
    ['memory usage', 'MEMORY', ['USAGE', 'k', 'SAMPLES', 5], [1]],
    ['memory stats', 'MEMORY', ['STATS'], []],
    ['xinfo stream', 'XINFO', ['STREAM', 's'], [1]],
    ['xgroup create', 'XGROUP', ['CREATE', 's', 'g', '$'], [1]],
    ['spublish routes by channel', 'SPUBLISH', ['ch', 'msg'], [0]],
    ['publish has no key', 'PUBLISH', ['ch', 'msg'], []],
    ['sort with store', 'SORT', ['k', 'LIMIT', 0, 5, 'STORE', 'd'], [0, 5]],
    ['sort BY nosort is no key', 'SORT', ['k', 'BY', 'nosort', 'GET', '#', 'ALPHA'], [0]],
    ['sort patterns are no keys', 'SORT', ['k', 'by', 'w_*', 'get', 'o_*', 'store', 'd'], [0, 6]],
    ['sort_ro', 'SORT_RO', ['k', 'GET', 'x_*'], [0]],
    ['lower-case name', 'mget', ['a', 'b'], [0, 1]],
  ];

  it.each(cases)('%s', (_, name, args, expected) => {
    expect(keyIndexes(name, args)).toEqual(expected);
    expect(firstKey(name, args)).toEqual(expected[0] === undefined ? undefined : args[expected[0]]);
  });

  it('commandKeys gives the keys themselves', () => {
    expect(commandKeys('EVAL', ['s', 2, 'a', 'b', 'x'])).toEqual(['a', 'b']);
    expect(commandKeys('XREAD', ['STREAMS', 'a', '0'])).toEqual(['a']);
  });
});

describe('singleKeyCommand', () => {
  it('is one cached object per command, in any case', () => {
    const get = singleKeyCommand('GET');
    expect(get).toEqual({ keyIndex: 0, flags: commandFlags('GET') });
    expect(singleKeyCommand('get')).toBe(get);
    expect(singleKeyCommand('OBJECT')).toBeUndefined();
  });
});

describe('safeToResend', () => {
  it('allows read-only commands and harmless queries, never writes or unknown commands', () => {
    for (const name of ['GET', 'mget', 'PING', 'ping', 'ECHO', 'INFO', 'TIME', 'LASTSAVE', 'ROLE']) {
      expect(safeToResend(name), name).toBe(true);
    }
    expect(safeToResend('OBJECT', ['ENCODING', 'k'])).toBe(true);
    for (const name of ['SET', 'INCR', 'PUBLISH', 'EVAL', 'OBJECT', 'NOT-A-COMMAND']) {
      expect(safeToResend(name), name).toBe(false);
    }
  });
});
