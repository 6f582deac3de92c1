// Passwords never reach an error, a log, util.inspect(), toString() or JSON of anything a user can get hold of:
// Client, ClusterClient, their connections, topology and stats, and every error, against real password-protected
// servers (a standalone one and a cluster), including wrong passwords, timeouts and a password rotated under a
// connected ConnectionManager.
import diagnosticsChannel from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { type DevCluster, type DevStandalone, startCluster, startStandalone } from '@keyslot/dev-cluster';
import calculateSlot from 'cluster-key-slot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ClusterClient, KeyslotError, TimeoutError } from '../src/index.js';
import { failure } from './support/failure.js';
import { onServer } from './support/server.js';

const PASSWORD = 'Right-Pa55word-never-print-7f3a';
const WRONG = 'Wrong-Pa55word-never-print-91c2';
const ROTATED = 'Rotated-Pa55word-never-print-c0de';
const SECRETS = [PASSWORD, WRONG, ROTATED];

// ---------------------------------------------------------------------------------------------------------------
// What "never appears" means, checked three ways.

/**
 * Walks everything reachable from `roots` through own properties (enumerable or not, symbols included), array,
 * Map and Set entries, and the bytes of Buffers; getters are not called and closures cannot be entered. Returns
 * the paths where a secret was found.
 */
function reachableSecrets(roots: Record<string, unknown>, limit = 300_000): string[] {
  const seen = new Set<object>();
  const found: string[] = [];
  const queue: [unknown, string][] = Object.entries(roots).map(([name, value]) => [value, name]);
  for (let next = 0; next < queue.length && seen.size < limit; next++) {
    const [value, path] = queue[next]!;
    if (typeof value === 'string') {
      if (SECRETS.some((secret) => value.includes(secret))) found.push(path);
      continue;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (ArrayBuffer.isView(value)) {
      const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (SECRETS.some((secret) => bytes.includes(secret))) found.push(`${path} (bytes)`);
      continue;
    }
    if (value instanceof Map) {
      let i = 0;
      for (const [k, v] of value) {
        queue.push([k, `${path}<key ${i}>`], [v, `${path}<value ${i}>`]);
        i++;
      }
    } else if (value instanceof Set) {
      let i = 0;
      for (const v of value) queue.push([v, `${path}<${i++}>`]);
    }
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor && 'value' in descriptor) queue.push([descriptor.value, `${path}.${String(key)}`]);
    }
  }
  return found;
}

/** What a log line made of `value` could show. */
function renderings(value: unknown): string[] {
  const texts = [
    inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    inspect(value, { depth: 4, colors: false }),
  ];
  try {
    texts.push(String(value), `${value}`);
  } catch {
    // an object without toString: inspect covers it
  }
  try {
    texts.push(JSON.stringify(value) ?? '');
  } catch {
    // circular: inspect and the walk cover it
  }
  for (let e = value; e instanceof Error; e = e.cause) texts.push(e.message, e.stack ?? '');
  return texts;
}

function expectNoSecrets(roots: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(roots)) {
    for (const text of renderings(value)) {
      for (const secret of SECRETS) expect(text, `${name} rendered`).not.toContain(secret);
    }
  }
  expect(reachableSecrets(roots)).toEqual([]);
}

// ---------------------------------------------------------------------------------------------------------------
// Everything written to the console or the process's output, and every diagnostics_channel message, while the
// tests run.

const logged: string[] = [];
const channelMessages: unknown[] = [];
const restores: (() => void)[] = [];
beforeAll(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      logged.push(args.map((arg) => inspect(arg, { depth: 10 })).join(' '));
      original.apply(console, args);
    };
    restores.push(() => {
      console[method] = original;
    });
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
    restores.push(() => {
      stream.write = original;
    });
  }
  const onWarning = (warning: Error) => logged.push(`${warning.message}\n${warning.stack}`);
  process.on('warning', onWarning);
  restores.push(() => process.off('warning', onWarning));
  const tracing = diagnosticsChannel.tracingChannel('keyslot:command');
  const handlers = {
    start: (message: unknown) => channelMessages.push(message),
    end: (message: unknown) => channelMessages.push(message),
    asyncStart: (message: unknown) => channelMessages.push(message),
    asyncEnd: (message: unknown) => channelMessages.push(message),
    error: (message: unknown) => channelMessages.push(message),
  };
  tracing.subscribe(handlers);
  restores.push(() => tracing.unsubscribe(handlers));
});
afterAll(() => {
  for (const restore of restores.splice(0).reverse()) restore();
  for (const line of logged) for (const secret of SECRETS) expect(line).not.toContain(secret);
  expect(reachableSecrets({ channelMessages })).toEqual([]);
});

// ---------------------------------------------------------------------------------------------------------------

describe(onServer('a password-protected cluster'), () => {
  let cluster: DevCluster;
  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1, password: PASSWORD });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('connects with the password (options or URL), and nothing reachable spells it', async () => {
    const byOptions = new ClusterClient(cluster.seeds, { password: PASSWORD });
    const byUrl = new ClusterClient(
      cluster.seeds.map((seed) => `redis://:${encodeURIComponent(PASSWORD)}@${seed}`),
    );
    for (const client of [byOptions, byUrl]) {
      // Replica reads too, so that connections to every node exist.
      const conn = await client.getConnection({ readFrom: 'preferReplica' });
      try {
        const keys = Array.from({ length: 30 }, (_, i) => `secret-test:${i}`);
        await conn.mset(Object.fromEntries(keys.map((key) => [key, 'v'])));
        expect(await conn.mget(keys)).toEqual(keys.map(() => 'v'));
        expect(await conn.dbsize()).toBeGreaterThanOrEqual(30);
        await conn.blpop('secret-test:list', 0.05); // a dedicated connection, with its own handshake
        expectNoSecrets({ client, conn, topology: conn.topology(), stats: conn.stats() });
      } finally {
        await conn.close();
      }
      expectNoSecrets({ client });
    }
  });

  it('a wrong password: a clear authentication error naming the nodes, never the password', async () => {
    for (const client of [
      new ClusterClient(cluster.seeds, { password: WRONG }),
      new ClusterClient(cluster.seeds, { username: 'default', password: WRONG }),
      new ClusterClient(cluster.seeds.map((seed) => `redis://:${WRONG}@${seed}`)),
    ]) {
      const error = await failure(client.getConnection({ connectTimeoutMs: 2_000 }));
      expect(error).toBeInstanceOf(KeyslotError);
      const text = [error.message, ...(error.cause instanceof Error ? [error.cause.message] : [])].join(' ');
      expect(text).toMatch(/WRONGPASS|authentication/);
      expect(text).toContain(cluster.seeds[0]!);
      expectNoSecrets({ error, client });
      // Connecting in the background instead: the command's error says why, without the password.
      const background = client.createConnection({ connectTimeoutMs: 500, commandTimeoutMs: 1_000 });
      const commandError = await failure(background.get('k'));
      background.destroy();
      expect(commandError).toBeInstanceOf(KeyslotError);
      expectNoSecrets({ commandError, background });
    }
  });

  it('timeouts (a primary stalled by SIGSTOP, a seed that never answers): errors name the command and node only', async () => {
    const client = new ClusterClient(cluster.seeds, { password: PASSWORD });
    const conn = await client.getConnection({ commandTimeoutMs: 300 });
    const primary = cluster.primaries[0]!;
    let key = '';
    for (let i = 0; cluster.ownerOf(calculateSlot(key))?.id !== primary.id; i++) key = `stalled:${i}`;
    await cluster.pause(primary);
    try {
      const commandError = await failure(conn.set(key, 'value'));
      expect(commandError).toBeInstanceOf(TimeoutError);
      expect(commandError).toMatchObject({ command: 'SET', node: primary.address });
      // A new connection whose only seed is stalled: the handshake (HELLO with AUTH) times out.
      const seedClient = new ClusterClient([primary.address], { password: PASSWORD });
      const connectError = await failure(seedClient.getConnection({ connectTimeoutMs: 300 }));
      expect(connectError).toBeInstanceOf(TimeoutError);
      expect(connectError.message).toContain(primary.address);
      expectNoSecrets({ commandError, connectError, conn, client, seedClient, topology: conn.topology() });
    } finally {
      await cluster.resume(primary);
      conn.destroy();
    }
  });
});

describe(onServer('a password-protected standalone server'), () => {
  let server: DevStandalone;
  beforeAll(async () => {
    server = await startStandalone({ password: PASSWORD });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('Client, MultiplexedConnection and ConnectionManager never show the password', async () => {
    const clients = {
      byOptions: new Client({ host: '127.0.0.1', port: server.port, password: PASSWORD }),
      byUrl: new Client(`redis://:${encodeURIComponent(PASSWORD)}@127.0.0.1:${server.port}`),
      asDefaultUser: new Client({
        host: '127.0.0.1',
        port: server.port,
        username: 'default',
        password: PASSWORD,
      }),
    };
    for (const client of Object.values(clients)) {
      const multiplexed = await client.getMultiplexedConnection();
      const manager = await client.getConnectionManager();
      try {
        expect(await multiplexed.ping()).toBe('PONG');
        expect(await manager.set('k', 'v')).toBe('OK');
        await manager.blpop('list', 0.05); // a dedicated connection, with its own handshake
        expectNoSecrets({ client, multiplexed, manager });
      } finally {
        await multiplexed.close();
        await manager.close();
      }
    }
    expectNoSecrets(clients);
  });

  it('wrong passwords, on the first connection and on a reconnect after the password was rotated', async () => {
    for (const protocol of [3, 2] as const) {
      const wrong = new Client({ host: '127.0.0.1', port: server.port, password: WRONG, protocol });
      const multiplexedError = await failure(wrong.getMultiplexedConnection());
      const managerError = await failure(wrong.getConnectionManager());
      for (const error of [multiplexedError, managerError]) {
        expect(error.message).toMatch(/authentication as the default user failed/);
        expect(error.message).toContain(server.address);
      }
      expectNoSecrets({ multiplexedError, managerError, wrong });
    }

    // A manager connected with the right password; the server's password changes and its connection is killed.
    const client = new Client({ host: '127.0.0.1', port: server.port, password: PASSWORD });
    const manager = await client.getConnectionManager({
      commandTimeoutMs: 500,
      backoff: { baseMs: 20, maxMs: 100 },
    });
    try {
      await server.admin('CONFIG', 'SET', 'requirepass', ROTATED);
      await server.admin('CLIENT', 'KILL', 'TYPE', 'normal');
      const reconnectError = await failure(manager.get('k'));
      expect(reconnectError).toBeInstanceOf(TimeoutError);
      expect(reconnectError.message).toMatch(/WRONGPASS|authentication/);
      expectNoSecrets({ reconnectError, manager, client });
      // The password is put back: the manager heals by itself.
      await server.admin('AUTH', ROTATED);
      await server.admin('CONFIG', 'SET', 'requirepass', PASSWORD);
      await server.waitFor(async () => (await manager.ping().catch(() => '')) === 'PONG', {
        timeoutMs: 5_000,
        message: 'the manager to reconnect with its password',
      });
    } finally {
      await server.admin('CONFIG', 'SET', 'requirepass', PASSWORD).catch(() => {});
      manager.destroy();
    }
  });

  it('timeouts against a stalled server: the command and the handshake time out without the password', async () => {
    const client = new Client({ host: '127.0.0.1', port: server.port, password: PASSWORD });
    const manager = await client.getConnectionManager({ commandTimeoutMs: 300 });
    const multiplexed = await client.getMultiplexedConnection({ commandTimeoutMs: 300 });
    await server.pause();
    try {
      const managerError = await failure(manager.set('k', 'value'));
      const multiplexedError = await failure(multiplexed.get('k'));
      const handshakeError = await failure(client.getMultiplexedConnection({ connectTimeoutMs: 300 }));
      for (const error of [managerError, multiplexedError, handshakeError]) {
        expect(error).toBeInstanceOf(TimeoutError);
        expect(error.message).toContain(server.address);
      }
      expectNoSecrets({ managerError, multiplexedError, handshakeError, manager, multiplexed, client });
    } finally {
      await server.resume();
      manager.destroy();
      multiplexed.destroy();
    }
  });
});
