import { describe, expect, it } from 'vitest';
import { RedisCommands } from './redis-commands.js';
import { buf, FakeConnection } from './test-support/fake-connection.js';

describe('RedisCommands', () => {
  it('buffers is one cached view that sends through its owner', async () => {
    const conn = new FakeConnection().reply(buf('v'));
    const view = conn.buffers;
    expect(conn.buffers).toBe(view);
    expect(view.buffers).toBe(view);
    expect(view).toBeInstanceOf(RedisCommands);
    expect(await view.get('k')).toEqual(buf('v'));
    expect(conn.sent).toHaveLength(1);
    expect(conn.last.returnBuffers).toBe(true);
  });

  it('call sends any command, multi-word ones as separate words, name in upper case', async () => {
    const conn = new FakeConnection().reply('OK', ['x']);
    expect(await conn.call('client', 'SETNAME', 'x')).toBe('OK');
    expect(conn.words).toEqual(['CLIENT', 'SETNAME', 'x']);
    expect(conn.last.returnBuffers).toBeUndefined();
    expect(await conn.buffers.call('LRANGE', 'l', 0, -1)).toEqual(['x']);
    expect(conn.last.returnBuffers).toBe(true);
  });

  it('does not carry connection-level names', () => {
    const conn = new FakeConnection() as unknown as Record<string, unknown>;
    for (const name of ['multi', 'watch', 'subscribe', 'exec']) expect(conn[name]).toBeUndefined();
  });

  it('every command literal has the same properties in the same order (one or two shapes for the connection)', async () => {
    const conn = new FakeConnection().reply(null, ['0', []], null);
    await conn.get('k');
    await conn.scan(0);
    await conn.del('k');
    const shapes = new Set(conn.sent.map((command) => Object.keys(command).join(',')));
    expect([...shapes].sort()).toEqual(['name,args,returnBuffers', 'name,args,returnBuffers,transform']);
  });
});
