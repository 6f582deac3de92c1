// One MultiplexedConnection against a real redis-server: concurrency, deadlines, blocking commands,
// transactions and lifecycle.
import { type DevStandalone, startStandalone, waitFor } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Client,
  ClosedError,
  type MultiplexedConnection,
  QueueFullError,
  ReplyError,
  TimeoutError,
} from '../src/index.js';
import { outcome, settledAtOnce } from './support/promise-outcome.js';
import { onServer } from './support/server.js';

let server: DevStandalone;
let client: Client;
beforeAll(async () => {
  server = await startStandalone();
  client = new Client({ host: '127.0.0.1', port: server.port });
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  await server.admin('FLUSHALL');
});

/** Number of clients the server sees blocked (BLPOP & co). */
async function blockedClients(): Promise<number> {
  const info = String(await server.admin('INFO', 'clients'));
  return Number(/blocked_clients:(\d+)/.exec(info)?.[1] ?? -1);
}

describe(onServer('one connection shared by many callers'), () => {
  let conn: MultiplexedConnection;
  beforeAll(async () => {
    conn = await client.getMultiplexedConnection();
  });
  afterAll(async () => {
    await conn?.close();
  });

  it('answers 10,000 concurrent commands, each with its own reply', async () => {
    const count = 10_000;
    const promises: Promise<unknown>[] = [];
    const expected: unknown[] = [];
    let sum = 0;
    for (let i = 0; i < count; i++) {
      switch (i % 4) {
        case 0:
          promises.push(conn.set(`key:${i}`, `value:${i}`));
          expected.push('OK');
          break;
        case 1:
          promises.push(conn.echo(`echo:${i}`));
          expected.push(`echo:${i}`);
          break;
        case 2:
          // INCRBY replies depend on every earlier INCRBY: a reply matched to the wrong caller shows up here.
          sum += i;
          promises.push(conn.incrby('sum', i));
          expected.push(sum);
          break;
        default:
          promises.push(conn.get(`key:${i - 3}`));
          expected.push(`value:${i - 3}`);
      }
    }
    expect(conn.pendingCount).toBe(count);
    const replies = await Promise.all(promises);
    for (let i = 0; i < count; i++) {
      if (replies[i] !== expected[i]) expect({ i, reply: replies[i] }).toEqual({ i, reply: expected[i] });
    }
    expect(conn.pendingCount).toBe(0);
    expect(await server.admin('GET', 'sum')).toBe(String(sum));
  });

  it('Buffer and string replies interleaved on one connection each come back in the form asked for', async () => {
    const bytes = (i: number) => Buffer.from([0xff, i & 0xff, 0x00, 0x0d, 0x0a, (i >> 8) & 0xff]);
    await Promise.all(Array.from({ length: 500 }, (_, i) => conn.set(`bin:${i}`, bytes(i))));
    const replies = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) =>
        i % 2 === 0 ? conn.buffers.get(`bin:${i >> 1}`) : conn.echo(`text ${i}`),
      ),
    );
    replies.forEach((reply, i) => {
      if (i % 2 === 0) expect(reply).toEqual(bytes(i >> 1));
      else expect(reply).toBe(`text ${i}`);
    });
  });

  it('MULTI/EXEC mixing Buffer and string results', async () => {
    await conn.set('mixed:text', 'hello');
    await conn.hset('mixed:hash', { f: 'v' });
    const multi = conn.multi();
    const set = multi.set('mixed:bin', Buffer.from([0xff, 0x00]));
    const asBuffer = multi.buffers.get('mixed:bin');
    const asText = multi.get('mixed:text');
    const hash = multi.hgetall('mixed:hash');
    const n = multi.incr('mixed:n');
    const results = await multi.exec();
    expect(results).toHaveLength(5);
    expect(await set).toBe('OK');
    expect(await asBuffer).toEqual(Buffer.from([0xff, 0x00]));
    expect(await asText).toBe('hello');
    expect({ ...(await hash) }).toEqual({ f: 'v' });
    expect(await n).toBe(1);
  });

  it('MULTI/EXEC goes out as one unit even when other callers send in the same tick', async () => {
    const before = conn.incr('counter');
    const multi = conn.multi();
    const first = multi.incr('counter');
    const second = multi.incr('counter');
    const exec = multi.exec();
    const after = conn.incr('counter');
    // Had anything come between MULTI and EXEC, it would be queued (QUEUED) instead of answered with a number.
    expect(await before).toBe(1);
    expect(await exec).toEqual([2, 3]);
    expect(await first).toBe(2);
    expect(await second).toBe(3);
    expect(await after).toBe(4);
  });

  it('MULTI/EXEC: a failing command is a ReplyError in the results, the others apply', async () => {
    await conn.set('str', 'x');
    const multi = conn.multi();
    const pushed = multi.lpush('str', 'a');
    multi.set('other', 'y');
    const results = await multi.exec();
    expect(results).toHaveLength(2);
    expect(results?.[0]).toBeInstanceOf(ReplyError);
    expect(results?.[0]).toMatchObject({ prefix: 'WRONGTYPE' });
    expect(results?.[1]).toBe('OK');
    await expect(pushed).rejects.toMatchObject({ prefix: 'WRONGTYPE' });
    expect(await conn.get('other')).toBe('y');
  });

  it('MULTI/EXEC: a command refused while queueing aborts the whole transaction', async () => {
    const multi = conn.multi();
    multi.set('a', '1');
    multi.call('SET'); // wrong number of arguments: refused when queued
    await expect(multi.exec()).rejects.toMatchObject({ prefix: 'EXECABORT' });
    expect(await conn.exists('a')).toBe(0);
    // The connection is still in step.
    expect(await conn.echo('still fine')).toBe('still fine');
  });

  it('fails fast with QueueFullError beyond maxPending', async () => {
    const small = await client.getMultiplexedConnection({ maxPending: 5 });
    try {
      const accepted = [1, 2, 3, 4, 5].map((i) => small.echo(String(i)));
      const refused = small.echo('6');
      await expect(refused).rejects.toBeInstanceOf(QueueFullError);
      await expect(refused).rejects.toMatchObject({ code: 'ERR_KEYSLOT_QUEUE_FULL' });
      expect(await Promise.all(accepted)).toEqual(['1', '2', '3', '4', '5']);
      expect(await small.echo('7')).toBe('7');
    } finally {
      await small.close();
    }
  });
});

describe(onServer('deadlines'), () => {
  it('a command times out while the server is stopped, naming the command and the server; later replies stay matched', async () => {
    const conn = await client.getMultiplexedConnection({ commandTimeoutMs: 300 });
    try {
      await conn.mset({ 'secret-key-a': 'A', 'secret-key-b': 'B', 'secret-key-c': 'C' });
      await server.pause();
      let timedOut: { error: unknown }[];
      try {
        const results = await Promise.all([
          outcome(conn.get('secret-key-a')),
          outcome(conn.incr('secret-counter')),
          outcome(conn.hgetall('secret-hash')),
        ]);
        timedOut = results as { error: unknown }[];
      } finally {
        await server.resume();
      }
      const names = ['GET', 'INCR', 'HGETALL'];
      timedOut.forEach((result, index) => {
        expect(result.error).toBeInstanceOf(TimeoutError);
        const error = result.error as TimeoutError;
        expect(error.code).toBe('ERR_KEYSLOT_TIMEOUT');
        expect(error.command).toBe(names[index]);
        expect(error.node).toBe(server.address);
        expect(error.message).toContain(names[index]);
        expect(error.message).toContain(server.address);
        expect(error.message).not.toContain('secret'); // never the arguments
      });
      // The late replies (A, 1, {}) arrive now and must be dropped, not handed to the commands below.
      const [b, c, echo, n] = await Promise.all([
        conn.get('secret-key-b'),
        conn.get('secret-key-c'),
        conn.echo('echo'),
        conn.incr('secret-counter'),
      ]);
      expect([b, c, echo, n]).toEqual(['B', 'C', 'echo', 2]);
      // The timed-out INCR did run once the server resumed: a timeout says nothing about the outcome.
      for (let i = 0; i < 20; i++) expect(await conn.echo(`after ${i}`)).toBe(`after ${i}`);
      expect(conn.isOpen).toBe(true);
    } finally {
      await conn.close();
    }
  });

  it('a command delayed by DEBUG SLEEP on another connection times out; the connection stays usable', async () => {
    const conn = await client.getMultiplexedConnection({ commandTimeoutMs: 200 });
    const sleeper = await client.getMultiplexedConnection({ commandTimeoutMs: 10_000 });
    try {
      await conn.set('k', 'v');
      const sleeping = sleeper.call('DEBUG', 'SLEEP', '1');
      // Wait until the server is really inside DEBUG SLEEP (it then answers nobody).
      await waitFor(async () => 'error' in (await outcome(server.adminWithTimeout(100, 'PING'))), {
        timeoutMs: 5_000,
        intervalMs: 10,
        message: 'the server to be inside DEBUG SLEEP',
      });
      await expect(conn.get('k')).rejects.toMatchObject({ code: 'ERR_KEYSLOT_TIMEOUT', command: 'GET' });
      expect(await sleeping).toBe('OK');
      expect(await conn.set('k', 'w')).toBe('OK');
      expect(await conn.get('k')).toBe('w');
    } finally {
      await conn.close();
      await sleeper.close();
    }
  });

  it('a blocking command gets its own block time on top of the command timeout', async () => {
    const conn = await client.getMultiplexedConnection({ commandTimeoutMs: 300 });
    try {
      // BLPOP 1 s with a 300 ms command timeout: the server's own "nil" answer comes, not a TimeoutError.
      expect(await conn.blpop('never-filled', 1)).toBeNull();
    } finally {
      await conn.close();
    }
  });
});

describe(onServer('blocking commands do not stall the shared connection'), () => {
  it('BLPOP waits on a dedicated connection while other commands flow, then gets the pushed value', async () => {
    const conn = await client.getMultiplexedConnection();
    try {
      const popped = conn.blpop('jobs', 0);
      await waitFor(async () => (await blockedClients()) === 1, {
        timeoutMs: 5_000,
        intervalMs: 10,
        message: 'BLPOP to block on the server',
      });
      const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => conn.echo(`flow ${i}`)));
      expect(replies).toEqual(Array.from({ length: 500 }, (_, i) => `flow ${i}`));
      expect(await conn.set('k', 'v')).toBe('OK');
      expect(await settledAtOnce(popped)).toBe(false);
      expect(await server.admin('LPUSH', 'jobs', 'job-1')).toBe(1);
      expect(await popped).toEqual({ key: 'jobs', element: 'job-1' });
      expect(await server.admin('LLEN', 'jobs')).toBe(0);
    } finally {
      await conn.close();
    }
  });

  it('several BLPOPs at once each get their own value', async () => {
    const conn = await client.getMultiplexedConnection();
    try {
      const pops = [1, 2, 3].map((i) => conn.blpop(`queue:${i}`, 0));
      await waitFor(async () => (await blockedClients()) === 3, {
        timeoutMs: 5_000,
        intervalMs: 10,
        message: 'three BLPOPs to block',
      });
      expect(await conn.echo('not stalled')).toBe('not stalled');
      for (const i of [3, 1, 2]) await server.admin('RPUSH', `queue:${i}`, `item ${i}`);
      expect(await Promise.all(pops)).toEqual(
        [1, 2, 3].map((i) => ({ key: `queue:${i}`, element: `item ${i}` })),
      );
    } finally {
      await conn.close();
    }
  });
});

describe(onServer('lifecycle'), () => {
  it('close() lets in-flight commands finish, then every command rejects at once with ClosedError', async () => {
    const conn = await client.getMultiplexedConnection();
    const slow = conn.call('DEBUG', 'SLEEP', '0.2');
    const inflight = Array.from({ length: 100 }, (_, i) => conn.set(`closing:${i}`, String(i)));
    const reads = Array.from({ length: 100 }, (_, i) => conn.get(`closing:${i}`));
    const closing = conn.close();
    const refused = conn.get('closing:0');
    expect(await settledAtOnce(refused)).toBe(true);
    await expect(refused).rejects.toBeInstanceOf(ClosedError);
    await closing;
    expect(await slow).toBe('OK');
    expect(await Promise.all(inflight)).toEqual(Array(100).fill('OK'));
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
    expect(conn.isOpen).toBe(false);
    for (const attempt of [conn.get('k'), conn.call('PING'), conn.blpop('jobs', 0)]) {
      expect(await settledAtOnce(attempt)).toBe(true);
      await expect(attempt).rejects.toBeInstanceOf(ClosedError);
    }
    const multi = conn.multi();
    multi.set('k', 'v');
    await expect(multi.exec()).rejects.toBeInstanceOf(ClosedError);
    await expect(conn.get('k')).rejects.toMatchObject({ code: 'ERR_KEYSLOT_CLOSED' });
    await expect(conn.blpop('jobs', 0)).rejects.toBeInstanceOf(ClosedError);
    expect(await server.admin('EXISTS', 'k')).toBe(0);
  });

  it('destroy() does not wait: pending commands reject with ClosedError, later ones at once', async () => {
    const conn = await client.getMultiplexedConnection();
    await conn.set('k', 'before');
    const slow = conn.call('DEBUG', 'SLEEP', '0.3');
    const pending = Array.from({ length: 50 }, (_, i) => conn.echo(String(i)));
    // Let the batch be written: these commands are now in flight, waiting behind DEBUG SLEEP.
    await new Promise((resolve) => setImmediate(resolve));
    conn.destroy();
    const results = await Promise.all([slow, ...pending].map(outcome));
    for (const result of results) {
      expect(result).toHaveProperty('error');
      expect((result as { error: unknown }).error).toBeInstanceOf(ClosedError);
    }
    const later = conn.set('k', 'after');
    expect(await settledAtOnce(later)).toBe(true);
    await expect(later).rejects.toBeInstanceOf(ClosedError);
    expect(await server.admin('GET', 'k')).toBe('before');
  });

  it('destroy() also ends a BLPOP waiting on a dedicated connection', async () => {
    const conn = await client.getMultiplexedConnection();
    const popped = outcome(conn.blpop('never-pushed', 0));
    await waitFor(async () => (await blockedClients()) === 1, {
      timeoutMs: 5_000,
      intervalMs: 10,
      message: 'BLPOP to block on the server',
    });
    conn.destroy();
    const result = await popped;
    expect(result).toHaveProperty('error');
    expect((result as { error: unknown }).error).toBeInstanceOf(ClosedError);
    await waitFor(async () => (await blockedClients()) === 0, {
      timeoutMs: 5_000,
      intervalMs: 10,
      message: 'the dedicated connection to be gone from the server',
    });
  });

  it('close() resolves once every command has settled, even if a timed-out one never gets its reply', async () => {
    const conn = await client.getMultiplexedConnection({ commandTimeoutMs: 200 });
    await server.pause();
    let closed = false;
    try {
      await expect(conn.get('k')).rejects.toBeInstanceOf(TimeoutError);
      const closing = conn.close().then(() => {
        closed = true;
      });
      await waitFor(() => closed, {
        timeoutMs: 3_000,
        intervalMs: 10,
        message: 'close() to resolve while the server is stopped',
      });
      await closing;
      await expect(conn.get('k')).rejects.toBeInstanceOf(ClosedError);
    } finally {
      await server.resume();
    }
  });

  it('a lost connection rejects pending commands, saying whether they may have run', async () => {
    const conn = await client.getMultiplexedConnection({ commandTimeoutMs: 10_000 });
    await server.pause();
    let written: Promise<{ value: unknown } | { error: unknown }>;
    try {
      written = outcome(conn.incr('lost'));
      // Let the batch be written to the (stopped) server's socket.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      await server.kill();
    }
    const result = await written;
    expect(result).toHaveProperty('error');
    const error = (result as { error: Error & { command?: string; node?: string } }).error;
    expect(error).toMatchObject({
      code: 'ERR_KEYSLOT_OUTCOME_UNKNOWN',
      command: 'INCR',
      node: server.address,
    });
    expect(error.message).toMatch(/may or may not have run/);
    expect(conn.isOpen).toBe(false);
    // No reconnection on a plain connection: later commands fail at once, saying they were not sent.
    const later = conn.get('k');
    expect(await settledAtOnce(later)).toBe(true);
    await expect(later).rejects.toMatchObject({ code: 'ERR_KEYSLOT_CONNECTION' });
    await expect(later).rejects.toThrow(/GET was not sent/);
    await server.restart();
  });
});
