import { type DevStandalone, startStandalone } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ArgumentError, Client, defineScript, type MultiplexedConnection, ReplyError } from '../src/index.js';
import { onServer } from './support/server.js';

let server: DevStandalone;
beforeAll(async () => {
  server = await startStandalone();
});
afterAll(async () => {
  await server?.stop();
});

const library = `#!lua name=testlib
redis.register_function('echo_key', function(keys, args) return redis.call('GET', keys[1]) end)
redis.register_function{function_name='read_only', callback=function(keys, args) return args[1] end, flags={'no-writes'}}
`;

describe.each([2, 3] as const)(onServer('scripting commands over RESP%i'), (protocol) => {
  let conn: MultiplexedConnection;
  beforeAll(async () => {
    conn = await new Client({ host: '127.0.0.1', port: server.port }).getMultiplexedConnection({ protocol });
  });
  afterAll(async () => {
    await conn?.close();
  });
  beforeEach(async () => {
    await conn.flushall();
    await conn.scriptFlush();
    await conn.functionFlush();
  });

  it('eval, evalsha, their read-only forms, script load/exists/flush', async () => {
    expect(await conn.eval('return {KEYS[1], ARGV[1], 3}', ['k'], ['a'])).toEqual(['k', 'a', 3]);
    expect(await conn.eval('return 1')).toBe(1);
    const sha1 = await conn.scriptLoad('return ARGV[1]');
    expect(sha1).toMatch(/^[0-9a-f]{40}$/);
    expect(await conn.scriptExists(sha1, '0'.repeat(40))).toEqual([true, false]);
    expect(await conn.evalsha(sha1, [], ['x'])).toBe('x');
    expect(await conn.evalshaRo(sha1, [], ['y'])).toBe('y');
    expect(await conn.evalRo("return redis.call('GET', KEYS[1])", ['missing'])).toBeNull();
    await expect(conn.evalRo("return redis.call('SET', KEYS[1], 'x')", ['k'])).rejects.toBeInstanceOf(
      ReplyError,
    );
    expect(await conn.scriptFlush('SYNC')).toBe('OK');
    await expect(conn.evalsha(sha1)).rejects.toMatchObject({ prefix: 'NOSCRIPT' });
  });

  it('a numkeys larger than the keys given is the server error, passed on as is', async () => {
    await expect(conn.call('EVAL', 'return 1', 3, 'a')).rejects.toMatchObject({ prefix: 'ERR' });
  });

  it('defineScript: EVALSHA, falling back to EVAL after SCRIPT FLUSH, then EVALSHA again', async () => {
    const script = defineScript("return redis.call('INCRBY', KEYS[1], ARGV[1])", { numberOfKeys: 1 });
    expect(await script.run(conn, ['n'], [2])).toBe(2);
    expect(await conn.scriptExists(script.sha1)).toEqual([true]);
    expect(await conn.runScript(script, ['n'], [3])).toBe(5);
    await conn.scriptFlush();
    expect(await conn.scriptExists(script.sha1)).toEqual([false]);
    expect(await script.run(conn, ['n'], [1])).toBe(6);
    expect(await conn.scriptExists(script.sha1)).toEqual([true]);
    await expect(script.run(conn, [], [1])).rejects.toBeInstanceOf(ArgumentError);
  });

  it('defineScript on the Buffer view returns Buffers', async () => {
    const value = Buffer.from([0xff, 0x00]);
    await conn.set('bin', value);
    const script = defineScript("return redis.call('GET', KEYS[1])", { readOnly: true });
    expect(await script.run(conn.buffers, ['bin'])).toEqual(value);
    await conn.scriptFlush();
    expect(await conn.buffers.runScript(script, ['bin'])).toEqual(value);
  });

  it('script errors come back as ReplyErrors with the server text', async () => {
    const script = defineScript("return redis.error_reply('MYERR custom failure')");
    await expect(script.run(conn)).rejects.toMatchObject({
      prefix: 'MYERR',
      message: 'MYERR custom failure',
    });
  });

  it('functions: load, fcall, fcall_ro, delete', async () => {
    expect(await conn.functionLoad(library)).toBe('testlib');
    await expect(conn.functionLoad(library)).rejects.toBeInstanceOf(ReplyError);
    expect(await conn.functionLoad(library, { replace: true })).toBe('testlib');
    await conn.set('k', 'v');
    expect(await conn.fcall('echo_key', ['k'])).toBe('v');
    expect(await conn.fcallRo('read_only', [], ['hello'])).toBe('hello');
    expect(await conn.buffers.fcall('echo_key', ['k'])).toEqual(Buffer.from('v'));
    expect(await conn.functionDelete('testlib')).toBe('OK');
  });
});
