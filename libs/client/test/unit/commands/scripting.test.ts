import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RedisArg } from '../../../src/command.js';
import type { RedisCommands } from '../../../src/commands/redis-commands.js';
import { defineScript } from '../../../src/commands/script.js';
import { ArgumentError, ReplyError } from '../../../src/errors.js';
import { buf, FakeConnection } from '../../support/fake-connection.js';

type Case = [string, (conn: RedisCommands<string>) => Promise<unknown>, RedisArg[]];

describe('scripting commands: arguments', () => {
  const cases: Case[] = [
    ['eval', (c) => c.eval('return 1'), ['EVAL', 'return 1', 0]],
    [
      'eval keys args',
      (c) => c.eval('return 1', ['a', 'b'], ['x', 1]),
      ['EVAL', 'return 1', 2, 'a', 'b', 'x', 1],
    ],
    ['evalsha', (c) => c.evalsha('abc', ['k']), ['EVALSHA', 'abc', 1, 'k']],
    ['evalRo', (c) => c.evalRo('return 1', [], ['x']), ['EVAL_RO', 'return 1', 0, 'x']],
    ['evalshaRo', (c) => c.evalshaRo('abc', ['k'], ['x']), ['EVALSHA_RO', 'abc', 1, 'k', 'x']],
    ['script load', (c) => c.scriptLoad('return 1'), ['SCRIPT', 'LOAD', 'return 1']],
    ['script exists', (c) => c.scriptExists('a', 'b'), ['SCRIPT', 'EXISTS', 'a', 'b']],
    ['script exists array', (c) => c.scriptExists(['a']), ['SCRIPT', 'EXISTS', 'a']],
    ['script flush', (c) => c.scriptFlush(), ['SCRIPT', 'FLUSH']],
    ['script flush async', (c) => c.scriptFlush('ASYNC'), ['SCRIPT', 'FLUSH', 'ASYNC']],
    ['fcall', (c) => c.fcall('fn', ['k'], ['a']), ['FCALL', 'fn', 1, 'k', 'a']],
    ['fcall_ro', (c) => c.fcallRo('fn'), ['FCALL_RO', 'fn', 0]],
    ['function load', (c) => c.functionLoad('#!lua name=x'), ['FUNCTION', 'LOAD', '#!lua name=x']],
    [
      'function load replace',
      (c) => c.functionLoad('code', { replace: true }),
      ['FUNCTION', 'LOAD', 'REPLACE', 'code'],
    ],
    ['function delete', (c) => c.functionDelete('lib'), ['FUNCTION', 'DELETE', 'lib']],
    ['function flush', (c) => c.functionFlush('SYNC'), ['FUNCTION', 'FLUSH', 'SYNC']],
  ];

  it.each(cases)('%s', async (_, call, words) => {
    const conn = new FakeConnection().reply([1]);
    await call(conn);
    expect(conn.words).toEqual(words);
  });

  it('script exists gives booleans', async () => {
    expect(await new FakeConnection().reply([1, 0]).scriptExists('a', 'b')).toEqual([true, false]);
  });

  it('eval replies pass through, as Buffers on the Buffer view', async () => {
    const conn = new FakeConnection().reply([buf('x'), 1]);
    expect(await conn.buffers.eval('return 1')).toEqual([buf('x'), 1]);
    expect(conn.last.returnBuffers).toBe(true);
  });
});

describe('defineScript', () => {
  const lua = "return redis.call('GET', KEYS[1])";
  const sha1 = createHash('sha1').update(lua).digest('hex');

  it('computes the SHA1 once and sends EVALSHA', async () => {
    const script = defineScript(lua);
    expect(script.sha1).toBe(sha1);
    const conn = new FakeConnection().reply('v');
    expect(await script.run(conn, ['k'], ['a'])).toBe('v');
    expect(conn.sent).toHaveLength(1);
    expect(conn.words).toEqual(['EVALSHA', sha1, 1, 'k', 'a']);
  });

  it('falls back to EVAL on NOSCRIPT, with the same keys and arguments', async () => {
    const script = defineScript(lua);
    const conn = new FakeConnection().reply(
      new ReplyError('NOSCRIPT No matching script. Please use EVAL.'),
      'v',
    );
    expect(await conn.runScript(script, ['k'], ['a'])).toBe('v');
    expect(conn.sent.map((command) => [command.name, ...command.args])).toEqual([
      ['EVALSHA', sha1, 1, 'k', 'a'],
      ['EVAL', lua, 1, 'k', 'a'],
    ]);
  });

  it('passes other errors on without a fallback', async () => {
    const conn = new FakeConnection().reply(new ReplyError('ERR something'));
    await expect(defineScript(lua).run(conn, ['k'])).rejects.toThrow('ERR something');
    expect(conn.sent).toHaveLength(1);
  });

  it('read-only scripts use EVALSHA_RO and EVAL_RO', async () => {
    const script = defineScript(lua, { readOnly: true });
    const conn = new FakeConnection().reply(new ReplyError('NOSCRIPT x'), 'v');
    await script.run(conn, ['k']);
    expect(conn.sent.map((command) => command.name)).toEqual(['EVALSHA_RO', 'EVAL_RO']);
  });

  it('checks numberOfKeys before sending', async () => {
    const conn = new FakeConnection();
    await expect(defineScript(lua, { numberOfKeys: 1 }).run(conn, [])).rejects.toBeInstanceOf(ArgumentError);
    expect(conn.sent).toHaveLength(0);
  });

  it('runs on the Buffer view with Buffers asked for in both attempts', async () => {
    const conn = new FakeConnection().reply(new ReplyError('NOSCRIPT x'), buf('v'));
    expect(await defineScript(lua).run(conn.buffers, ['k'])).toEqual(buf('v'));
    expect(conn.sent.map((command) => command.returnBuffers)).toEqual([true, true]);
  });
});
