import { type DevStandalone, startStandalone, waitFor } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type MultiplexedConnection, ReplyError } from '../src/index.js';
import { dataCases } from './support/cases/data.js';
import { geoCases } from './support/cases/geo.js';
import { serverCases } from './support/cases/server.js';
import { onTestServer, serverHas } from './support/command-availability.js';
import { registerCases } from './support/command-cases.js';

let server: DevStandalone;
let resp2: MultiplexedConnection;
let resp3: MultiplexedConnection;
beforeAll(async () => {
  server = await startStandalone();
  const client = new Client({ host: '127.0.0.1', port: server.port });
  resp2 = await client.getMultiplexedConnection({ protocol: 2 });
  resp3 = await client.getMultiplexedConnection({ protocol: 3 });
});
afterAll(async () => {
  await resp2?.close();
  await resp3?.close();
  await server?.stop();
});

const connections = () => ({ resp2, resp3 });

describe(
  onTestServer('generated and new hand-written methods, each on RESP2 and RESP3 with the same value'),
  () => {
    describe('data commands', () => registerCases(dataCases, connections));
    describe('geospatial commands', () => registerCases(geoCases, connections));
    describe('server, connection and scripting commands', () => registerCases(serverCases, connections));
  },
);

/**
 * Runs `start` on a second connection (a script or function that spins until killed), then `kill` on the first
 * until the server has it running; what `kill` said, and how `start` ended.
 */
async function killWhileRunning(
  start: (other: MultiplexedConnection) => Promise<unknown>,
  kill: () => Promise<'OK'>,
): Promise<{ killed: 'OK' | undefined; ended: unknown }> {
  const other = await new Client({ host: '127.0.0.1', port: server.port }).getMultiplexedConnection();
  // The server answers other clients during a script only past this threshold.
  await resp2.configSet({ 'busy-reply-threshold': 10 });
  try {
    const running = start(other).catch((error: unknown) => error);
    let killed: 'OK' | undefined;
    await waitFor(
      async () => {
        killed = await kill().catch((error: unknown) => {
          if (error instanceof ReplyError && error.prefix === 'NOTBUSY') return undefined;
          throw error;
        });
        return killed !== undefined;
      },
      { timeoutMs: 10_000, message: 'the script to run' },
    );
    return { killed, ended: await running };
  } finally {
    await resp2.configSet({ 'busy-reply-threshold': 5000 });
    await other.close();
  }
}

describe(onTestServer('methods that need a second connection or server'), () => {
  it('scriptKill stops a read-only script that another connection is running', async () => {
    const { killed, ended } = await killWhileRunning(
      (other) => other.evalRo('while true do end'),
      () => resp2.scriptKill(),
    );
    expect(killed).toBe('OK');
    expect(ended).toMatchObject({ message: expect.stringMatching(/killed/i) });
  });

  it('functionKill stops a read-only function that another connection is running', async () => {
    await resp2.functionLoad(
      "#!lua name=spin\nredis.register_function{function_name='spin', callback=function() while true do end end, flags={'no-writes'}}",
      { replace: true },
    );
    const { killed, ended } = await killWhileRunning(
      (other) => other.fcallRo('spin'),
      () => resp2.functionKill(),
    );
    expect(killed).toBe('OK');
    expect(ended).toMatchObject({ message: expect.stringMatching(/killed/i) });
  });

  it('migrate moves one key, or several with the KEYS form, to another server', async () => {
    const target = await startStandalone();
    const there = await new Client({ host: '127.0.0.1', port: target.port }).getMultiplexedConnection();
    try {
      await resp2.flushall();
      await resp2.mset({ a: '1', b: '2', c: '3' });
      expect(await resp2.migrate('127.0.0.1', target.port, 'a', 0, 5000)).toBe('OK');
      expect(await resp2.migrate('127.0.0.1', target.port, 'missing', 0, 5000)).toBe('NOKEY');
      expect(
        await resp2.migrate('127.0.0.1', target.port, '', 0, 5000, { keys: ['b', 'c'], copy: true }),
      ).toBe('OK');
      expect(await there.mget('a', 'b', 'c')).toEqual(['1', '2', '3']);
      expect(await resp2.mget('a', 'b', 'c')).toEqual([null, '2', '3']);
    } finally {
      await there.close();
      await target.stop();
    }
  });
});

describe(onTestServer('the Buffer view of the new methods gives byte-exact values'), () => {
  const bytes = Buffer.from([0xff, 0x00, 0xfe]);
  it('strings, lists, sorted sets, geo, sort', async () => {
    await resp3.flushall();
    await resp3.set('s', Buffer.concat([bytes, bytes]));
    await resp3.rpush('{l}a', bytes);
    await resp3.zadd('z', { score: 1, value: bytes });
    await resp3.geoadd('g', { longitude: 13.36, latitude: 38.11, member: bytes });
    const view = resp3.buffers;
    expect(await view.substr('s', 0, 2)).toEqual(bytes);
    expect(await view.zrangebyscore('z', 0, 2)).toEqual([bytes]);
    expect(await view.zrevrangebyscoreWithScores('z', 2, 0)).toEqual([{ value: bytes, score: 1 }]);
    expect(await view.zrandmember('z')).toEqual(bytes);
    expect(await view.geosearch('g', { member: bytes }, { radius: 1, unit: 'km' })).toEqual([bytes]);
    expect(await view.sort('{l}a', { alpha: true })).toEqual([bytes]);
    expect(await view.rpoplpush('{l}a', '{l}b')).toEqual(bytes);
    if (serverHas('COMMAND GETKEYS')) expect(await view.commandGetKeys('GET', bytes)).toEqual([bytes]);
  });
});
