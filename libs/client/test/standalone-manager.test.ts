// ConnectionManager against a real redis-server: reconnection, retry rules, load across kills and restarts,
// subscriptions, transactions and lifecycle. Connections are cut for real: by the server (CLIENT KILL, SIGKILL,
// restart) or by a TcpProxy in front of it that can swallow replies and refuse connections.
import { type DevStandalone, startStandalone, TcpProxy, waitFor } from '@keyslot/dev-cluster';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  ClosedError,
  ConfigError,
  type ConnectionConfig,
  ConnectionError,
  type ConnectionManager,
  OutcomeUnknownError,
  type PubSubMessage,
  TimeoutError,
} from '../src/index.js';
import { outcome, settledAtOnce } from './support/promise-outcome.js';
import { onServer } from './support/server.js';

let server: DevStandalone;
const managers: ConnectionManager[] = [];

beforeAll(async () => {
  server = await startStandalone();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(() => {
  for (const manager of managers.splice(0)) manager.destroy();
});

/** A manager with fast reconnects, destroyed after the test. */
async function managerFor(
  target: { port: number; clientName?: string; protocol?: 2 | 3 },
  config: ConnectionConfig = {},
): Promise<ConnectionManager> {
  const manager = await new Client({ host: '127.0.0.1', ...target }).getConnectionManager({
    backoff: { baseMs: 10, maxMs: 100 },
    ...config,
  });
  managers.push(manager);
  return manager;
}

/** How many times the server has run a command (INFO commandstats). */
async function callsOf(command: string): Promise<number> {
  const stats = String(await server.admin('INFO', 'commandstats'));
  const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats);
  return match ? Number(match[1]) : 0;
}

/** Closes, on the server side, every connection named `name`; returns how many. */
async function killClientsNamed(name: string): Promise<number> {
  const list = String(await server.admin('CLIENT', 'LIST'));
  const ids = list
    .split('\n')
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /^id=(\d+)/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
  for (const id of ids) await server.admin('CLIENT', 'KILL', 'ID', id);
  return ids.length;
}

describe(onServer('retry rules after a lost connection'), () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await TcpProxy.start(server);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  /** Cuts every connection while refusing new ones, and waits until the manager tries to reconnect. */
  async function cutAndWaitForReconnecting(): Promise<void> {
    const { refused } = proxy.stats();
    proxy.cut();
    await waitFor(() => proxy.stats().refused > refused, {
      timeoutMs: 5_000,
      message: 'a reconnection attempt',
    });
  }

  /**
   * Cuts every connection, losing the replies swallowed so far, and forwards new connections again. Cutting
   * first, in the same turn, loses a reply the proxy has not read yet too.
   */
  function cutAndForwardAgain(): void {
    proxy.cut();
    proxy.restore();
  }

  it('a read-only command in flight when the connection drops is re-sent and answered', async () => {
    await server.admin('SET', 'read-key', 'the value');
    const manager = await managerFor({ port: proxy.port });
    expect(await manager.get('read-key')).toBe('the value');
    const { accepted } = proxy.stats();
    const calls = await callsOf('get');
    proxy.swallowReplies();
    const reading = manager.get('read-key');
    // The server has run the GET: only its reply is missing when the connection goes.
    await waitFor(async () => (await callsOf('get')) > calls, {
      timeoutMs: 5_000,
      message: 'the GET to run',
    });
    cutAndForwardAgain();
    expect(await reading).toBe('the value');
    expect(proxy.stats().accepted).toBeGreaterThan(accepted); // answered on a new connection
    expect(await callsOf('get')).toBe(calls + 2); // run twice, harmlessly
  });

  // The server does not flag these read-only (PING only `fast`), but running one twice changes nothing.
  it('PING, ECHO and TIME in flight when the connection drops are re-sent and answered', async () => {
    const manager = await managerFor({ port: proxy.port });
    await manager.ping();
    const { accepted } = proxy.stats();
    const echoes = await callsOf('echo');
    proxy.swallowReplies();
    const queries = Promise.all([manager.ping(), manager.echo('still here'), manager.time()]);
    await waitFor(async () => (await callsOf('echo')) > echoes, {
      timeoutMs: 5_000,
      message: 'the ECHO to run',
    });
    cutAndForwardAgain();
    const [pong, echo, time] = await queries;
    expect(pong).toBe('PONG');
    expect(echo).toBe('still here');
    expect(time.seconds).toBeGreaterThan(0);
    expect(proxy.stats().accepted).toBeGreaterThan(accepted); // answered on a new connection
    expect(await callsOf('echo')).toBe(echoes + 2);
  });

  it('a write in flight when the connection drops fails with OutcomeUnknownError and is not re-sent', async () => {
    await server.admin('DEL', 'write-key');
    const manager = await managerFor({ port: proxy.port });
    await manager.ping();
    proxy.swallowReplies();
    const writing = manager.incr('write-key');
    await waitFor(async () => (await server.admin('GET', 'write-key')) === '1', {
      timeoutMs: 5_000,
      message: 'the INCR to run',
    });
    cutAndForwardAgain();
    const error = await writing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error).toMatchObject({
      code: 'ERR_KEYSLOT_OUTCOME_UNKNOWN',
      command: 'INCR',
      node: `127.0.0.1:${proxy.port}`,
    });
    expect((error as Error).message).toMatch(/may or may not have run/);
    expect((error as Error).message).toMatch(/retryWrites/);
    expect((error as Error).message).not.toContain('write-key');
    // The manager serves again, and the INCR was applied exactly once (it did run; it was not re-sent).
    expect(await manager.get('write-key')).toBe('1');
    expect(await manager.incr('write-key')).toBe(2);
  });

  it('with retryWrites: true, the write whose outcome is unknown is re-sent (and so may run twice)', async () => {
    await server.admin('DEL', 'retried-key');
    const manager = await managerFor({ port: proxy.port }, { retryWrites: true });
    await manager.ping();
    proxy.swallowReplies();
    const writing = manager.incr('retried-key');
    await waitFor(async () => (await server.admin('GET', 'retried-key')) === '1', {
      timeoutMs: 5_000,
      message: 'the INCR to run',
    });
    cutAndForwardAgain();
    expect(await writing).toBe(2);
    expect(await server.admin('GET', 'retried-key')).toBe('2');
  });

  it('a write that was never sent waits for the reconnection and runs exactly once', async () => {
    await server.admin('DEL', 'unsent-key');
    const manager = await managerFor({ port: proxy.port });
    await manager.ping();
    proxy.refuseNewConnections();
    try {
      const { refused } = proxy.stats();
      proxy.cut();
      // The manager noticed the loss and is trying to reconnect.
      await waitFor(() => proxy.stats().refused >= refused + 2, {
        timeoutMs: 5_000,
        message: 'reconnection attempts',
      });
      const writing = manager.incr('unsent-key');
      const reading = manager.get('unsent-key');
      expect(await settledAtOnce(writing)).toBe(false);
      proxy.restore();
      expect(await writing).toBe(1);
      expect(await reading).toBe('1');
    } finally {
      proxy.restore();
    }
    expect(await server.admin('GET', 'unsent-key')).toBe('1');
  });

  it('while the server cannot be reached, commands fail at their deadline, saying why', async () => {
    const manager = await managerFor({ port: proxy.port }, { commandTimeoutMs: 300 });
    await manager.ping();
    proxy.refuseNewConnections();
    try {
      await cutAndWaitForReconnecting();
      const error = await manager.get('secret-argument').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ command: 'GET', node: `127.0.0.1:${proxy.port}` });
      expect((error as Error).message).toContain(`GET timed out waiting for 127.0.0.1:${proxy.port}`);
      expect((error as Error).message).toMatch(/reconnecting; last error: /);
      expect((error as Error).message).not.toContain('secret-argument');
    } finally {
      proxy.restore();
    }
    expect(await manager.ping()).toBe('PONG');
  });

  it('while reconnecting, commands beyond maxPending fail fast with QueueFullError; the others run later', async () => {
    const manager = await managerFor({ port: proxy.port }, { maxPending: 5 });
    await manager.ping();
    proxy.refuseNewConnections();
    let waiting: Promise<string>[];
    try {
      await cutAndWaitForReconnecting();
      waiting = [1, 2, 3, 4, 5].map((i) => manager.echo(`waiting ${i}`));
      const refused = manager.echo('one too many');
      expect(await settledAtOnce(refused)).toBe(true);
      await expect(refused).rejects.toMatchObject({ code: 'ERR_KEYSLOT_QUEUE_FULL' });
      await expect(refused).rejects.toThrow(/ECHO rejected: 5 commands are already waiting/);
    } finally {
      proxy.restore();
    }
    expect(await Promise.all(waiting)).toEqual([1, 2, 3, 4, 5].map((i) => `waiting ${i}`));
  });

  it('a subscription and a transaction made while reconnecting take effect once the connection is back', async () => {
    await server.admin('DEL', 'reconnect-tx');
    const manager = await managerFor({ port: proxy.port });
    await manager.ping();
    const received: PubSubMessage[] = [];
    proxy.refuseNewConnections();
    let exec: Promise<unknown[] | null>;
    try {
      await cutAndWaitForReconnecting();
      await manager.subscribe('while-down', (message) => received.push(message));
      const multi = manager.multi();
      multi.incr('reconnect-tx');
      multi.incr('reconnect-tx');
      exec = multi.exec();
      expect(await settledAtOnce(exec)).toBe(false);
    } finally {
      proxy.restore();
    }
    expect(await exec).toEqual([1, 2]);
    await waitFor(
      async () => ((await server.admin('PUBSUB', 'NUMSUB', 'while-down')) as [string, number])[1] === 1,
      { timeoutMs: 5_000, message: 'the subscription to be made' },
    );
    await server.admin('PUBLISH', 'while-down', 'hello');
    await waitFor(() => received.length === 1, { timeoutMs: 5_000, message: 'the message' });
    expect(received[0]).toMatchObject({ kind: 'message', channel: 'while-down', message: 'hello' });
  });

  it('a blocking command issued while the server cannot be reached waits like any other command', async () => {
    await server.admin('DEL', 'blocking-while-down');
    const manager = await managerFor({ port: proxy.port });
    await manager.ping();
    proxy.refuseNewConnections();
    let popped: Promise<unknown>;
    try {
      await cutAndWaitForReconnecting();
      const { refused } = proxy.stats();
      popped = manager.blpop('blocking-while-down', 5);
      await waitFor(() => proxy.stats().refused >= refused + 2, {
        timeoutMs: 5_000,
        message: 'more reconnection attempts',
      });
    } finally {
      proxy.restore();
    }
    await server.admin('RPUSH', 'blocking-while-down', 'late');
    expect(await popped).toEqual({ key: 'blocking-while-down', element: 'late' });
  });

  it('a SUBSCRIBE cut off before its confirmation still succeeds: the reconnect makes the subscription', async () => {
    const manager = await managerFor({ port: proxy.port });
    await manager.ping();
    const received: PubSubMessage[] = [];
    const calls = await callsOf('subscribe');
    proxy.swallowReplies();
    const subscribing = manager.subscribe('cut-off', (message) => received.push(message));
    await waitFor(async () => (await callsOf('subscribe')) > calls, {
      timeoutMs: 5_000,
      message: 'SUBSCRIBE to run',
    });
    cutAndForwardAgain();
    await subscribing;
    // Publish until the message arrives: right after the cut, the server may still count the old connection's
    // subscription, so PUBSUB NUMSUB cannot tell that the new one is subscribed.
    await waitFor(
      async () => {
        await server.admin('PUBLISH', 'cut-off', 'made it');
        return received.length > 0;
      },
      { timeoutMs: 5_000, message: 'a message on the restored subscription' },
    );
    expect(received[0]).toMatchObject({ channel: 'cut-off', message: 'made it' });
  });

  it('a connection dropped during the handshake fails as a connection error, not as an unknown outcome', async () => {
    proxy.refuseNewConnections();
    try {
      const client = new Client({ host: '127.0.0.1', port: proxy.port });
      for (const connecting of [client.getMultiplexedConnection(), client.getConnectionManager()]) {
        const error = await connecting.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ConnectionError);
        expect((error as Error).message).toContain(`127.0.0.1:${proxy.port}`);
        expect((error as Error).message).not.toMatch(/may or may not have run/);
      }
    } finally {
      proxy.restore();
    }
  });

  it('close() while reconnecting rejects waiting commands with ClosedError', async () => {
    const manager = await managerFor({ port: proxy.port });
    await manager.ping();
    proxy.refuseNewConnections();
    try {
      await cutAndWaitForReconnecting();
      const waiting = manager.get('k');
      await manager.close();
      await expect(waiting).rejects.toBeInstanceOf(ClosedError);
      const later = manager.get('k');
      expect(await settledAtOnce(later)).toBe(true);
      await expect(later).rejects.toBeInstanceOf(ClosedError);
    } finally {
      proxy.restore();
    }
  });
});

describe(onServer('deadlines on a managed connection'), () => {
  it('a command times out while the server is stopped; afterwards replies are matched correctly', async () => {
    const manager = await managerFor({ port: server.port }, { commandTimeoutMs: 300 });
    await manager.mset({ 'deadline:a': 'A', 'deadline:b': 'B' });
    await server.pause();
    let error: unknown;
    try {
      error = await manager.get('deadline:a').catch((e: unknown) => e);
    } finally {
      await server.resume();
    }
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ command: 'GET', node: server.address });
    expect((error as Error).message).toBe(`GET timed out waiting for its reply from ${server.address}`);
    expect(
      await Promise.all([manager.get('deadline:b'), manager.echo('x'), manager.get('deadline:a')]),
    ).toEqual(['B', 'x', 'A']);
  });
});

describe(onServer('subscriptions'), () => {
  it('SUBSCRIBE and PSUBSCRIBE come back after CLIENT KILL and after a server restart', async () => {
    const manager = await managerFor({ port: server.port, clientName: 'subscriber' });
    const received: PubSubMessage[] = [];
    await manager.subscribe('news', (message) => received.push(message));
    await manager.psubscribe('events.*', (message) => received.push(message));
    const firstId = await manager.clientId();

    const publishAndReceive = async (round: string) => {
      const before = received.length;
      expect(await server.admin('PUBLISH', 'news', `news ${round}`)).toBe(1);
      expect(await server.admin('PUBLISH', 'events.login', `event ${round}`)).toBe(1);
      await waitFor(() => received.length >= before + 2, {
        timeoutMs: 5_000,
        message: `messages of ${round}`,
      });
      expect(received.slice(before)).toEqual([
        { kind: 'message', channel: 'news', message: `news ${round}`, node: server.address },
        {
          kind: 'pmessage',
          pattern: 'events.*',
          channel: 'events.login',
          message: `event ${round}`,
          node: server.address,
        },
      ]);
    };
    const waitUntilResubscribed = () =>
      waitFor(
        async () => {
          const numsub = (await server.admin('PUBSUB', 'NUMSUB', 'news')) as [string, number];
          return numsub[1] === 1 && (await server.admin('PUBSUB', 'NUMPAT')) === 1;
        },
        { timeoutMs: 5_000, message: 'the subscriptions to be restored' },
      );

    await publishAndReceive('before');
    expect(await killClientsNamed('subscriber')).toBe(1);
    await waitUntilResubscribed();
    expect(await manager.clientId()).not.toBe(firstId);
    await publishAndReceive('after CLIENT KILL');

    await server.restart();
    await waitUntilResubscribed();
    await publishAndReceive('after restart');
    // Regular commands still work on the subscribed RESP3 connection.
    expect(await manager.set('k', 'v')).toBe('OK');
    expect(await manager.get('k')).toBe('v');

    await manager.unsubscribe('news');
    await manager.punsubscribe();
    expect(await server.admin('PUBLISH', 'news', 'nobody')).toBe(0);
    expect(await server.admin('PUBLISH', 'events.x', 'nobody')).toBe(0);
  });

  it('over RESP2, subscribe is refused, and a later reconnect does not break the connection', async () => {
    const manager = await managerFor({ port: server.port, protocol: 2, clientName: 'resp2-manager' });
    const error = await manager.subscribe('news', () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/needs RESP3/);
    await manager.set('resp2-key', 'v');
    const firstId = await manager.clientId();
    expect(await killClientsNamed('resp2-manager')).toBe(1);
    // The refused subscription must not be "restored": that would put the RESP2 connection in subscriber mode.
    expect(await manager.get('resp2-key')).toBe('v');
    expect(await manager.clientId()).not.toBe(firstId);
    expect(await manager.get('resp2-key')).toBe('v');
    const numsub = (await server.admin('PUBSUB', 'NUMSUB', 'news')) as [string, number];
    expect(numsub[1]).toBe(0);
  });
});

describe(onServer('transactions and blocking commands'), () => {
  it('MULTI/EXEC on the shared connection runs as one unit between other callers', async () => {
    const manager = await managerFor({ port: server.port });
    await manager.del('tx-counter');
    const before = manager.incr('tx-counter');
    const multi = manager.multi();
    multi.incr('tx-counter');
    multi.incrby('tx-counter', 10);
    multi.get('tx-counter');
    const exec = multi.exec();
    const after = manager.incr('tx-counter');
    expect(await before).toBe(1);
    expect(await exec).toEqual([2, 12, '12']);
    expect(await after).toBe(13);
  });

  it('WATCH runs on a dedicated connection and aborts (null) when another client changes the key', async () => {
    const manager = await managerFor({ port: server.port });
    await manager.set('balance', '100');
    const aborted = await manager.watch(['balance'], async (connection) => {
      const balance = Number(await connection.get('balance'));
      // Meanwhile: another client, and the shared connection itself, keep working.
      await server.admin('SET', 'balance', '50');
      expect(await manager.echo('shared connection not stalled')).toBe('shared connection not stalled');
      const multi = connection.multi();
      multi.set('balance', String(balance - 10));
      return multi.exec();
    });
    expect(aborted).toBeNull();
    expect(await manager.get('balance')).toBe('50');

    const applied = await manager.watch(['balance'], async (connection) => {
      const balance = Number(await connection.get('balance'));
      const multi = connection.multi();
      const set = multi.set('balance', String(balance - 10));
      const result = await multi.exec();
      expect(await set).toBe('OK');
      return result;
    });
    expect(applied).toEqual(['OK']);
    expect(await manager.get('balance')).toBe('40');
  });

  it('a BLPOP waits on a dedicated connection while other commands flow, and gets the pushed value', async () => {
    const manager = await managerFor({ port: server.port });
    await manager.del('manager-jobs');
    const popped = manager.blpop('manager-jobs', 0);
    await waitFor(async () => /blocked_clients:1\r\n/.test(String(await server.admin('INFO', 'clients'))), {
      timeoutMs: 5_000,
      intervalMs: 10,
      message: 'BLPOP to block',
    });
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => manager.incr(`flow:${i % 7}`)));
    expect(replies).toHaveLength(200);
    expect(await settledAtOnce(popped)).toBe(false);
    await server.admin('LPUSH', 'manager-jobs', 'the job');
    expect(await popped).toEqual({ key: 'manager-jobs', element: 'the job' });
  });
});

describe(onServer('lifecycle'), () => {
  it('close() lets in-flight commands finish; then every command rejects at once with ClosedError', async () => {
    const manager = await managerFor({ port: server.port });
    const slow = manager.call('DEBUG', 'SLEEP', '0.2');
    const writes = Array.from({ length: 50 }, (_, i) => manager.set(`close:${i}`, String(i)));
    const closing = manager.close();
    const refused = manager.get('close:0');
    expect(await settledAtOnce(refused)).toBe(true);
    await expect(refused).rejects.toBeInstanceOf(ClosedError);
    await closing;
    expect(await slow).toBe('OK');
    expect(await Promise.all(writes)).toEqual(Array(50).fill('OK'));
    for (const attempt of [
      manager.get('k'),
      manager.blpop('jobs', 0),
      manager.subscribe('news', () => {}),
      manager.multi().exec(),
    ]) {
      expect(await settledAtOnce(attempt)).toBe(true);
      await expect(attempt).rejects.toBeInstanceOf(ClosedError);
    }
  });

  it('destroy() fails pending commands (a waiting BLPOP too); then every command rejects at once', async () => {
    const manager = await managerFor({ port: server.port });
    const popped = outcome(manager.blpop('destroy-jobs', 0));
    await waitFor(async () => /blocked_clients:1\r\n/.test(String(await server.admin('INFO', 'clients'))), {
      timeoutMs: 5_000,
      intervalMs: 10,
      message: 'BLPOP to block',
    });
    const slow = outcome(manager.call('DEBUG', 'SLEEP', '0.2'));
    const pending = Array.from({ length: 20 }, (_, i) => outcome(manager.echo(String(i))));
    await new Promise((resolve) => setImmediate(resolve));
    manager.destroy();
    for (const result of await Promise.all([popped, slow, ...pending])) {
      expect(result).toHaveProperty('error');
      expect((result as { error: unknown }).error).toBeInstanceOf(ClosedError);
    }
    const later = manager.get('k');
    expect(await settledAtOnce(later)).toBe(true);
    await expect(later).rejects.toBeInstanceOf(ClosedError);
  });
});

describe(onServer('under load'), () => {
  interface CallerStats {
    acked: number;
    unknown: number;
    timedOut: number;
    connection: number;
    unexpected: unknown[];
  }

  /**
   * Runs `callers` loops, each INCRing its own key and counting what happened, while `during` runs; then stops
   * them and waits until every caller's last command has settled.
   */
  async function underLoad(
    manager: ConnectionManager,
    prefix: string,
    callers: number,
    during: (stats: CallerStats[]) => Promise<void>,
  ): Promise<CallerStats[]> {
    const stats: CallerStats[] = Array.from({ length: callers }, () => ({
      acked: 0,
      unknown: 0,
      timedOut: 0,
      connection: 0,
      unexpected: [],
    }));
    let running = true;
    let finished = 0;
    stats.forEach(async (own, index) => {
      while (running && own.unexpected.length === 0) {
        try {
          await manager.incr(`${prefix}:${index}`);
          own.acked++;
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code === 'ERR_KEYSLOT_OUTCOME_UNKNOWN') own.unknown++;
          else if (code === 'ERR_KEYSLOT_TIMEOUT') own.timedOut++;
          else if (code === 'ERR_KEYSLOT_CONNECTION') own.connection++;
          else own.unexpected.push(error);
          await new Promise((resolve) => setImmediate(resolve)); // never spin on failures
        }
      }
      finished++;
    });
    try {
      await waitFor(() => stats.every((own) => own.acked >= 5), {
        timeoutMs: 10_000,
        message: 'the load to run',
      });
      await during(stats);
    } finally {
      running = false;
    }
    // Every promise settles: each caller's last command is answered or failed, none is left pending.
    await waitFor(() => finished === callers, {
      timeoutMs: 15_000,
      message: () => `every caller to finish (${finished}/${callers})`,
    });
    return stats;
  }

  const everyCallerAcked = (stats: CallerStats[], since: number[], what: string) =>
    waitFor(() => stats.every((own, i) => own.acked > since[i]! + 2), {
      timeoutMs: 15_000,
      message: () => `every caller to be served again ${what}`,
    });

  it('connections cut by CLIENT KILL under load: the manager recovers and no INCR is applied twice', async () => {
    const manager = await managerFor({ port: server.port, clientName: 'load-cut' });
    const callers = 200;
    const stats = await underLoad(manager, 'cut', callers, async (live) => {
      for (let round = 0; round < 3; round++) {
        const id = await manager.clientId();
        expect(await killClientsNamed('load-cut')).toBe(1);
        // Acknowledgements may still arrive from before the kill: count only those after the switch.
        await waitFor(async () => (await manager.clientId()) !== id, {
          timeoutMs: 10_000,
          message: `a new connection after CLIENT KILL #${round + 1}`,
        });
        await everyCallerAcked(
          live,
          live.map((own) => own.acked),
          `after CLIENT KILL #${round + 1}`,
        );
      }
    });
    for (const own of stats) expect(own.unexpected).toEqual([]);
    const unknown = stats.reduce((sum, own) => sum + own.unknown, 0);
    expect(unknown).toBeGreaterThan(0); // the kills did hit writes in flight
    const values = (await server.admin('MGET', ...Array.from({ length: callers }, (_, i) => `cut:${i}`))) as (
      | string
      | null
    )[];
    stats.forEach((own, i) => {
      const applied = Number(values[i]);
      // Every acknowledged INCR is applied; beyond those, only writes whose outcome was reported unknown (or that
      // timed out) may have been applied, each at most once: nothing was re-sent behind the caller's back.
      expect(applied).toBeGreaterThanOrEqual(own.acked);
      expect(applied).toBeLessThanOrEqual(own.acked + own.unknown + own.timedOut);
    });
  });

  it('the server killed and restarted under load: the same manager serves again and every promise settles', async () => {
    const manager = await managerFor({ port: server.port }, { commandTimeoutMs: 3_000 });
    const callers = 200;
    const stats = await underLoad(manager, 'restart', callers, async (live) => {
      const failuresBefore = live.reduce((sum, own) => sum + own.unknown + own.connection, 0);
      await server.kill();
      // Writes in flight at the kill fail as outcome-unknown; the others wait for the server to come back.
      await waitFor(() => live.reduce((sum, own) => sum + own.unknown + own.connection, 0) > failuresBefore, {
        timeoutMs: 5_000,
        message: 'in-flight writes to fail',
      });
      const acked = live.map((own) => own.acked);
      await server.restart();
      await everyCallerAcked(live, acked, 'after the restart');
    });
    for (const own of stats) expect(own.unexpected).toEqual([]);
    expect(stats.reduce((sum, own) => sum + own.unknown, 0)).toBeGreaterThan(0);
    // The restarted server (no persistence) holds only what ran after the restart: at least one INCR per key.
    const values = (await server.admin(
      'MGET',
      ...Array.from({ length: callers }, (_, i) => `restart:${i}`),
    )) as (string | null)[];
    for (const value of values) expect(Number(value)).toBeGreaterThanOrEqual(3);
    expect(await manager.ping()).toBe('PONG');
  });
});

describe(onServer('memory while the server is down'), () => {
  it('commands that time out while the server is stopped are not kept: the waiting list holds only live ones', async () => {
    const own = await startStandalone();
    try {
      const manager = await managerFor({ port: own.port }, { commandTimeoutMs: 50 });
      await manager.ping();
      await own.stop();
      await waitFor(() => manager.describeState().startsWith('reconnecting'), {
        timeoutMs: 5000,
        message: 'the manager to notice the stopped server',
      });
      // Internal: nothing public counts the requests kept, only the live ones (pending).
      const waiting = (manager as unknown as { waiting: { length: number } }).waiting;
      for (let round = 0; round < 3; round++) {
        const flood = await Promise.all(Array.from({ length: 2000 }, () => outcome(manager.get('k'))));
        expect(flood.every((each) => 'error' in each && each.error instanceof TimeoutError)).toBe(true);
      }
      const last = outcome(manager.get('k'));
      // 6,000 timed out, none kept (maxPending, 100,000 by default, used to be the only bound).
      expect(waiting.length).toBe(1);
      await last;
    } finally {
      await own.stop();
    }
  });
});
