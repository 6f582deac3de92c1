import { describe, expect, it } from 'vitest';
import type { RedisArg } from '../../../src/command.js';
import type { RedisCommands } from '../../../src/commands/redis-commands.js';
import { buf, FakeConnection } from '../../support/fake-connection.js';

type Case = [string, (conn: RedisCommands<string>) => Promise<unknown>, RedisArg[]];

describe('server commands: arguments', () => {
  const cases: Case[] = [
    ['ping', (c) => c.ping(), ['PING']],
    ['ping message', (c) => c.ping('hi'), ['PING', 'hi']],
    ['echo', (c) => c.echo('hi'), ['ECHO', 'hi']],
    ['dbsize', (c) => c.dbsize(), ['DBSIZE']],
    ['flushdb', (c) => c.flushdb(), ['FLUSHDB']],
    ['flushdb async', (c) => c.flushdb('ASYNC'), ['FLUSHDB', 'ASYNC']],
    ['flushall sync', (c) => c.flushall('SYNC'), ['FLUSHALL', 'SYNC']],
    ['info', (c) => c.info(), ['INFO']],
    ['info section', (c) => c.info('memory'), ['INFO', 'memory']],
    ['info sections', (c) => c.info(['server', 'clients']), ['INFO', 'server', 'clients']],
    ['time', (c) => c.time(), ['TIME']],
    ['lastsave', (c) => c.lastsave(), ['LASTSAVE']],
    ['config get', (c) => c.configGet('maxmemory'), ['CONFIG', 'GET', 'maxmemory']],
    ['config get many', (c) => c.configGet(['a', 'b*']), ['CONFIG', 'GET', 'a', 'b*']],
    [
      'config set',
      (c) => c.configSet({ 'maxmemory-policy': 'allkeys-lru', hz: 10 }),
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru', 'hz', 10],
    ],
    ['client setname', (c) => c.clientSetname('app'), ['CLIENT', 'SETNAME', 'app']],
    ['client getname', (c) => c.clientGetname(), ['CLIENT', 'GETNAME']],
    ['client id', (c) => c.clientId(), ['CLIENT', 'ID']],
    ['client info', (c) => c.clientInfo(), ['CLIENT', 'INFO']],
    ['command count', (c) => c.commandCount(), ['COMMAND', 'COUNT']],
    ['memory usage', (c) => c.memoryUsage('k'), ['MEMORY', 'USAGE', 'k']],
    [
      'memory usage samples',
      (c) => c.memoryUsage('k', { samples: 0 }),
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', 0],
    ],
    ['wait', (c) => c.wait(1, 100), ['WAIT', 1, 100]],
    ['waitaof', (c) => c.waitaof(1, 0, 100), ['WAITAOF', 1, 0, 100]],
  ];

  it.each(cases)('%s', async (_, call, words) => {
    const conn = new FakeConnection().reply(['1', '2']);
    await call(conn);
    expect(conn.words).toEqual(words);
  });
});

describe('server commands: replies', () => {
  it('time gives numbers', async () => {
    expect(await new FakeConnection().reply(['1700000000', '123456']).time()).toEqual({
      seconds: 1700000000,
      microseconds: 123456,
    });
  });

  it('config get: RESP2 flat and RESP3 map give an object', async () => {
    const conn = new FakeConnection().reply(['maxmemory', '0', 'hz', '10'], new Map([['hz', '10']]));
    expect(await conn.configGet('maxmemory', 'hz')).toEqual({ maxmemory: '0', hz: '10' });
    expect(await conn.configGet('hz')).toEqual({ hz: '10' });
  });

  it('info and client info are text in both views', async () => {
    const conn = new FakeConnection().reply(buf('# Server\r\n'), 'id=1 addr=x');
    expect(await conn.buffers.info()).toBe('# Server\r\n');
    expect(conn.last.returnBuffers).toBe(false);
    expect(await conn.clientInfo()).toBe('id=1 addr=x');
  });

  it('ping with a message and echo follow the view', async () => {
    const conn = new FakeConnection().reply(buf('hi'), buf('yo'));
    expect(await conn.buffers.ping('hi')).toEqual(buf('hi'));
    expect(conn.last.returnBuffers).toBe(true);
    expect(await conn.buffers.echo('yo')).toEqual(buf('yo'));
  });

  it('waitaof gives { local, replicas }', async () => {
    expect(await new FakeConnection().reply([1, 2]).waitaof(1, 2, 0)).toEqual({ local: 1, replicas: 2 });
  });
});
