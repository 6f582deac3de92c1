// Bad URLs, options and arguments fail at once with a clear error, before any I/O.
import { createServer, type Server } from 'node:net';
import { type DevStandalone, startStandalone } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArgumentError,
  Client,
  type ClientOptions,
  ConfigError,
  ConnectionError,
  type ConnectionManager,
  type MultiplexedConnection,
} from '../src/index.js';
import { onServer } from './support/server.js';

/** A TCP listener that only counts the connections made to it. */
let listener: Server;
let listenerPort: number;
let connectionsMade = 0;
let server: DevStandalone;

beforeAll(async () => {
  listener = createServer((socket) => {
    connectionsMade++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  listenerPort = (listener.address() as { port: number }).port;
  server = await startStandalone();
});
afterAll(async () => {
  await new Promise<void>((resolve) => listener?.close(() => resolve()));
  await server?.stop();
});

function configErrorOf(make: () => unknown): ConfigError {
  let error: unknown;
  try {
    make();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect(error).toMatchObject({ code: 'ERR_KEYSLOT_CONFIG', name: 'ConfigError' });
  return error as ConfigError;
}

describe(onServer('bad URLs and options throw ConfigError at once'), () => {
  it.each([
    ['http://127.0.0.1:6379', /scheme must be redis:\/\/ or rediss:\/\/, not http:/],
    ['127.0.0.1:6379', /invalid Redis URL: expected redis:\/\/\[user/],
    ['not a url at all', /invalid Redis URL/],
    ['redis://127.0.0.1:99999', /invalid Redis URL/],
    ['redis://127.0.0.1:0', /port must be an integer from 1 to 65535, got 0/],
    ['redis://127.0.0.1:6379/abc', /the path must be a database number, got '\/abc'/],
    [
      'redis://127.0.0.1:6379?colour=blue',
      /unknown query option 'colour' \(known: protocol, clientName, db\)/,
    ],
    ['redis://127.0.0.1:6379?protocol=4', /protocol must be 2 or 3, got '4'/],
    ['redis://127.0.0.1:6379?db=x', /db must be a number, got 'x'/],
    ['redis://alice@127.0.0.1:6379', /username 'alice' was given without a password/],
    ['redis://127.0.0.1:6379?clientName=my%20app', /clientName must be printable ASCII without spaces/],
  ])('%s', (url, message) => {
    const error = configErrorOf(() => new Client(url));
    expect(error.message).toMatch(message);
  });

  it.each([
    [{ port: 0 }, /port must be an integer from 1 to 65535, got 0/],
    [{ port: 65_536 }, /port must be an integer from 1 to 65535, got 65536/],
    [{ port: '6379' }, /port must be an integer from 1 to 65535/],
    [{ port: 1.5 }, /port must be an integer/],
    [{ host: '' }, /host must be a non-empty string/],
    [{ host: 42 }, /host must be a non-empty string/],
    [{ db: -1 }, /db must be a non-negative integer, got -1/],
    [{ protocol: 1 }, /protocol must be 2 or 3, got 1/],
    [{ password: 1234 }, /password must be a string/],
    [{ username: 'alice' }, /username 'alice' was given without a password/],
    // The server refuses these names (CLIENT SETNAME): the handshake would fail on every connection.
    [{ clientName: 'my app' }, /clientName must be printable ASCII without spaces/],
    [{ clientName: 'line\nbreak' }, /clientName must be printable ASCII without spaces/],
    [{ clientName: 'café' }, /clientName must be printable ASCII without spaces/],
    [{ clientName: 42 }, /clientName must be a string/],
  ])('options %j', (options, message) => {
    const error = configErrorOf(() => new Client(options as unknown as ClientOptions));
    expect(error.message).toMatch(message);
  });

  it.each([null, 42, true])('not a URL nor an object: %j', (input) => {
    const error = configErrorOf(() => new Client(input as unknown as string));
    expect(error.message).toMatch(/needs a redis:\/\/ URL or an options object/);
  });

  it('creating a client does no I/O, not even a DNS lookup; connecting then fails naming the address', async () => {
    const client = new Client({ host: 'no-such-host.invalid', port: 6379 });
    const error = await client.getMultiplexedConnection({ connectTimeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain('could not connect to no-such-host.invalid:6379');
  });

  it('a refused connection fails with a ConnectionError naming the address', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new Client({ host: '127.0.0.1', port });
    for (const connecting of [client.getMultiplexedConnection(), client.getConnectionManager()]) {
      const error = await connecting.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toMatch(
        new RegExp(`could not connect to 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
      );
    }
  });

  it.each([
    [{ commandTimeoutMs: 0 }, /commandTimeoutMs must be a positive number/],
    [{ commandTimeoutMs: -5 }, /commandTimeoutMs must be a positive number/],
    [{ connectTimeoutMs: Number.NaN }, /connectTimeoutMs must be a positive number/],
    [{ maxPending: 0 }, /maxPending must be a positive/],
    [{ backoff: { baseMs: -1 } }, /backoff\.baseMs must be a positive/],
  ])('connection config %j is refused before connecting', async (config, message) => {
    const client = new Client({ host: '127.0.0.1', port: listenerPort });
    const before = connectionsMade;
    await expect(client.getMultiplexedConnection(config)).rejects.toThrow(message);
    await expect(client.getMultiplexedConnection(config)).rejects.toBeInstanceOf(ConfigError);
    await expect(client.getConnectionManager(config)).rejects.toBeInstanceOf(ConfigError);
    expect(connectionsMade).toBe(before);
  });
});

describe(onServer('bad arguments reject with ArgumentError before anything is sent'), () => {
  let conn: MultiplexedConnection;
  let manager: ConnectionManager;
  beforeAll(async () => {
    const client = new Client({ host: '127.0.0.1', port: server.port });
    conn = await client.getMultiplexedConnection();
    manager = await client.getConnectionManager();
  });
  afterAll(async () => {
    await conn?.close();
    await manager?.close();
  });

  const badValues: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['an object', { toString: () => 'sneaky' }],
    ['a symbol', Symbol('s')],
    ['NaN', Number.NaN],
  ];

  it.each(badValues)('%s as a value', async (_label, bad) => {
    for (const target of [conn, manager]) {
      const setCalls = await setCallCount();
      const error = await target.set('arg-key', bad as string).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ArgumentError);
      expect(error).toBeInstanceOf(TypeError);
      expect(error).toMatchObject({ code: 'ERR_KEYSLOT_ARGUMENT', name: 'ArgumentError' });
      expect((error as Error).message).toMatch(/SET/);
      expect((error as Error).message).not.toContain('sneaky');
      // Nothing was sent: the server never saw a SET, and the connection is still in step.
      expect(await target.echo('in step')).toBe('in step');
      expect(await setCallCount()).toBe(setCalls);
      expect(await server.admin('EXISTS', 'arg-key')).toBe(0);
    }
  });

  it('as a key, and through call()', async () => {
    for (const target of [conn, manager]) {
      await expect(target.get(null as unknown as string)).rejects.toBeInstanceOf(ArgumentError);
      await expect(target.del('a', undefined as unknown as string)).rejects.toBeInstanceOf(ArgumentError);
      await expect(target.call('SET', 'k', {} as unknown as string)).rejects.toBeInstanceOf(ArgumentError);
      expect(await target.ping()).toBe('PONG');
    }
  });

  it('inside a transaction: exec() rejects and nothing of it is sent', async () => {
    for (const target of [conn, manager]) {
      const multiCalls = await callCount('multi');
      const multi = target.multi();
      const good = multi.set('tx-good', '1');
      multi.set('tx-bad', undefined as unknown as string);
      await expect(multi.exec()).rejects.toBeInstanceOf(ArgumentError);
      await expect(good).rejects.toBeInstanceOf(ArgumentError);
      expect(await callCount('multi')).toBe(multiCalls);
      expect(await server.admin('EXISTS', 'tx-good')).toBe(0);
      expect(await target.echo('in step')).toBe('in step');
    }
  });
});

async function callCount(command: string): Promise<number> {
  const stats = String(await server.admin('INFO', 'commandstats'));
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
}

function setCallCount(): Promise<number> {
  return callCount('set');
}
