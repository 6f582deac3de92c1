import { describe, expect, it } from 'vitest';
import type { RedisArg } from '../../../src/command.js';
import type { RedisCommands } from '../../../src/commands/redis-commands.js';
import { buf, bytes, FakeConnection } from '../../support/fake-connection.js';

type Case = [string, (conn: RedisCommands<string>) => Promise<unknown>, RedisArg[]];

describe('pub/sub commands', () => {
  const cases: Case[] = [
    ['publish', (c) => c.publish('ch', 'msg'), ['PUBLISH', 'ch', 'msg']],
    ['spublish', (c) => c.spublish('ch', 'msg'), ['SPUBLISH', 'ch', 'msg']],
    ['pubsub channels', (c) => c.pubsubChannels(), ['PUBSUB', 'CHANNELS']],
    ['pubsub channels pattern', (c) => c.pubsubChannels('news.*'), ['PUBSUB', 'CHANNELS', 'news.*']],
    ['pubsub numsub', (c) => c.pubsubNumsub('a', 'b'), ['PUBSUB', 'NUMSUB', 'a', 'b']],
    ['pubsub numpat', (c) => c.pubsubNumpat(), ['PUBSUB', 'NUMPAT']],
    ['pubsub shardchannels', (c) => c.pubsubShardchannels('x*'), ['PUBSUB', 'SHARDCHANNELS', 'x*']],
    ['pubsub shardnumsub', (c) => c.pubsubShardnumsub(['a']), ['PUBSUB', 'SHARDNUMSUB', 'a']],
  ];

  it.each(cases)('%s', async (_, call, words) => {
    const conn = new FakeConnection().reply([]);
    await call(conn);
    expect(conn.words).toEqual(words);
  });

  it('numsub: RESP2 flat and RESP3 map give the same object', async () => {
    const conn = new FakeConnection().reply(
      ['a', 1, 'b', 0],
      new Map<string, number>([
        ['a', 1],
        ['b', 0],
      ]),
    );
    expect(await conn.pubsubNumsub('a', 'b')).toEqual({ a: 1, b: 0 });
    expect(await conn.pubsubShardnumsub('a', 'b')).toEqual({ a: 1, b: 0 });
  });

  it('numsub on the Buffer view: Map keyed by the channel bytes', async () => {
    const conn = new FakeConnection().reply([bytes(0xff), 2]);
    const counts = await conn.buffers.pubsubNumsub(bytes(0xff));
    expect([...counts.entries()]).toEqual([[bytes(0xff), 2]]);
  });

  it('channels follow the view', async () => {
    const conn = new FakeConnection().reply([buf('a')]);
    expect(await conn.buffers.pubsubChannels()).toEqual([buf('a')]);
    expect(conn.last.returnBuffers).toBe(true);
  });
});
