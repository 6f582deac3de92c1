import { describe, expect, expectTypeOf, it } from 'vitest';
import { RedisCommands } from '../../../src/commands/redis-commands.js';
import type {
  PendingStreamEntry,
  ScoredMember,
  StreamEntry,
  StreamMessages,
} from '../../../src/commands/types.js';
import { buf, FakeConnection } from '../../support/fake-connection.js';

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

describe('result types follow the view', () => {
  const conn = new FakeConnection();
  it('string view', () => {
    expectTypeOf(conn.get).returns.resolves.toEqualTypeOf<string | null>();
    expectTypeOf(conn.hgetall).returns.resolves.toEqualTypeOf<Record<string, string>>();
    expectTypeOf(conn.zrangeWithScores).returns.resolves.toEqualTypeOf<ScoredMember<string>[]>();
    expectTypeOf(conn.xrange).returns.resolves.toEqualTypeOf<StreamEntry<string>[]>();
    expectTypeOf(conn.xread).returns.resolves.toEqualTypeOf<StreamMessages<string>[] | null>();
    expectTypeOf(conn.xreadgroup).returns.resolves.toEqualTypeOf<
      StreamMessages<string, PendingStreamEntry<string>>[] | null
    >();
    expectTypeOf(conn.pubsubNumsub).returns.resolves.toEqualTypeOf<Record<string, number>>();
    expectTypeOf(conn.scan).returns.resolves.toEqualTypeOf<{ cursor: string; keys: string[] }>();
  });

  it('Buffer view', () => {
    const view = conn.buffers;
    expectTypeOf(view.get).returns.resolves.toEqualTypeOf<Buffer | null>();
    expectTypeOf(view.hgetall).returns.resolves.toEqualTypeOf<Map<Buffer, Buffer>>();
    expectTypeOf(view.xrange).returns.resolves.toEqualTypeOf<StreamEntry<Buffer>[]>();
    expectTypeOf<StreamEntry<Buffer>['fields']>().toEqualTypeOf<Map<Buffer, Buffer>>();
    expectTypeOf(view.pubsubNumsub).returns.resolves.toEqualTypeOf<Map<Buffer, number>>();
    expectTypeOf(view.dump).returns.resolves.toEqualTypeOf<Buffer | null>();
    expectTypeOf(view.info).returns.resolves.toEqualTypeOf<string>();
    expectTypeOf(view.xadd).returns.resolves.toEqualTypeOf<string | null>();
  });

  it('overloads', async () => {
    expectTypeOf(conn.lpop('l')).resolves.toEqualTypeOf<string | null>();
    expectTypeOf(conn.lpop('l', 2)).resolves.toEqualTypeOf<string[] | null>();
    expectTypeOf(conn.zpopmin('z')).resolves.toEqualTypeOf<ScoredMember<string> | null>();
    expectTypeOf(conn.zadd('z', { score: 1, value: 'a' }, { incr: true })).resolves.toEqualTypeOf<
      number | null
    >();
    expectTypeOf(conn.zadd('z', [{ score: 1, value: 'a' }])).resolves.toEqualTypeOf<number>();
    expectTypeOf(conn.lpos('l', 'x', { count: 0 })).resolves.toEqualTypeOf<number[]>();
    expectTypeOf(conn.ping()).resolves.toEqualTypeOf<'PONG'>();
    expectTypeOf(conn.buffers.ping('x')).resolves.toEqualTypeOf<Buffer>();
  });
});
