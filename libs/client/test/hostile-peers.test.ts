// Bad input and hostile peers: a fake server that speaks just enough RESP to pass the handshake, then sends
// malformed RESP, huge declared lengths, endless nesting, replies nobody asked for, or nothing at all. Every case
// must end in a clear error on the pending commands and a reconnect (for ConnectionManager, commands succeed
// again once the server behaves), never in a crash, a hang or unbounded memory. A connection that goes silent with
// a reply overdue is dropped by the ConnectionManager after a whole command timeout without a byte (never while bytes
// keep coming); a plain multiplexed connection, which has nobody to replace it, stays open and lets commands time
// out.
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@keyslot/dev-cluster';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Client,
  ConnectionError,
  type ConnectionManager,
  type MultiplexedConnection,
  OutcomeUnknownError,
  ProtocolError,
  TimeoutError,
} from '../src/index.js';

// ---------------------------------------------------------------------------------------------------------------
// The fake server

/** How the fake server answers HELLO: a RESP3 map, or an error so that the client falls back to RESP2. */
type HelloMode = 'resp3' | 'resp2';

/** One client connection of the fake server. */
class FakeConnection {
  /** Commands received after the handshake and not answered (while the server is silent). */
  readonly backlog: string[][] = [];
  protocol: 2 | 3 = 2;
  /** 1 for the server's first connection, 2 for the next... */
  readonly ordinal: number;
  private buffer: Buffer = Buffer.alloc(0);

  constructor(
    readonly socket: Socket,
    private readonly server: FakeRedis,
  ) {
    this.ordinal = server.accepted;
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => {});
  }

  get store(): Map<string, string> {
    return this.server.store;
  }

  write(bytes: string | Buffer): boolean {
    return this.socket.destroyed ? false : this.socket.write(bytes);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const parsed = parseCommand(this.buffer);
      if (parsed === undefined) return;
      this.buffer = this.buffer.subarray(parsed.next);
      this.server.received.push(parsed.args);
      if (this.server.intercept?.(parsed.args, this)) continue;
      if (!answerHandshake(parsed.args, this, this.server.hello)) this.server.onCommand(parsed.args, this);
    }
  }
}

/**
 * A TCP server that answers the client's handshake (HELLO, CLIENT SETINFO/SETNAME, AUTH, SELECT) and hands every
 * other command to `onCommand`, which a test sets to misbehave and then to `behave` again.
 */
class FakeRedis {
  readonly connections = new Set<FakeConnection>();
  /** Every command received, handshake included. */
  readonly received: string[][] = [];
  accepted = 0;
  /** The data of `behave`. */
  readonly store = new Map<string, string>();
  onCommand: (args: string[], connection: FakeConnection) => void = behave;
  /** Sees every command first, handshake included; returns true when it dealt with it. */
  intercept: ((args: string[], connection: FakeConnection) => boolean) | undefined;
  /** Called with each new connection before anything is read (e.g. to stay silent from the start). */
  onConnect: ((connection: FakeConnection) => void) | undefined;
  private server!: Server;
  port = 0;

  constructor(readonly hello: HelloMode) {}

  static async start(hello: HelloMode = 'resp3'): Promise<FakeRedis> {
    const fake = new FakeRedis(hello);
    fake.server = createServer((socket) => {
      fake.accepted++;
      const connection = new FakeConnection(socket, fake);
      fake.connections.add(connection);
      socket.on('close', () => fake.connections.delete(connection));
      fake.onConnect?.(connection);
    });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as { port: number }).port;
    return fake;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Answers what piled up while silent, in order, and behaves from now on. */
  behaveAgain(): void {
    this.onCommand = behave;
    for (const connection of this.connections) {
      for (const args of connection.backlog.splice(0)) behave(args, connection);
    }
  }

  /** Drops every connection (the server keeps listening). */
  dropAll(): void {
    for (const connection of this.connections) connection.socket.destroy();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Parses one RESP array of bulk strings (what clients send); `undefined` while incomplete. */
function parseCommand(buffer: Buffer): { args: string[]; next: number } | undefined {
  if (buffer.length === 0) return undefined;
  if (buffer[0] !== 0x2a) throw new Error(`the fake server got a non-array command: ${buffer.toString()}`);
  let lineEnd = buffer.indexOf('\r\n');
  if (lineEnd === -1) return undefined;
  const count = Number(buffer.toString('latin1', 1, lineEnd));
  let offset = lineEnd + 2;
  const args: string[] = [];
  for (let i = 0; i < count; i++) {
    lineEnd = buffer.indexOf('\r\n', offset);
    if (lineEnd === -1) return undefined;
    const length = Number(buffer.toString('latin1', offset + 1, lineEnd));
    const start = lineEnd + 2;
    if (buffer.length < start + length + 2) return undefined;
    args.push(buffer.toString('utf8', start, start + length));
    offset = start + length + 2;
  }
  return { args, next: offset };
}

const HELLO_REPLY =
  '%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.0.0\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:7\r\n' +
  '$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n';

/** Answers the handshake commands; returns false for anything else. */
function answerHandshake(args: string[], connection: FakeConnection, hello: HelloMode): boolean {
  const name = args[0]!.toUpperCase();
  const sub = args[1]?.toUpperCase();
  if (name === 'HELLO') {
    if (hello === 'resp3') {
      connection.protocol = 3;
      connection.write(HELLO_REPLY);
    } else {
      connection.write("-ERR unknown command 'HELLO', with args beginning with: '3'\r\n");
    }
    return true;
  }
  if (
    (name === 'CLIENT' && (sub === 'SETINFO' || sub === 'SETNAME')) ||
    name === 'AUTH' ||
    name === 'SELECT'
  ) {
    connection.write('+OK\r\n');
    return true;
  }
  return false;
}

/** A tiny, well-behaved Redis: PING, ECHO, GET, SET, INCR. */
function behave(args: string[], connection: FakeConnection): void {
  const store = connection.store;
  const [name, key, value] = [args[0]!.toUpperCase(), args[1], args[2]];
  const bulk = (text: string | undefined) =>
    text === undefined ? '$-1\r\n' : `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
  switch (name) {
    case 'PING':
      connection.write('+PONG\r\n');
      return;
    case 'ECHO':
      connection.write(bulk(key));
      return;
    case 'GET':
      connection.write(bulk(store.get(key!)));
      return;
    case 'SET':
      store.set(key!, value!);
      connection.write('+OK\r\n');
      return;
    case 'INCR': {
      const next = Number(store.get(key!) ?? 0) + 1;
      store.set(key!, String(next));
      connection.write(`:${next}\r\n`);
      return;
    }
    default:
      connection.write(`-ERR unknown command '${name}'\r\n`);
  }
}

/** Keeps commands unanswered (see `behaveAgain`). */
function silent(args: string[], connection: FakeConnection): void {
  connection.backlog.push(args);
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeServer(hello: HelloMode): Promise<FakeRedis> {
  const fake = await FakeRedis.start(hello);
  cleanups.push(() => fake.close());
  return fake;
}

const FAST = { commandTimeoutMs: 1_000, connectTimeoutMs: 1_000, backoff: { baseMs: 10, maxMs: 100 } };

async function multiplexed(fake: FakeRedis): Promise<MultiplexedConnection> {
  const conn = await new Client({ host: '127.0.0.1', port: fake.port }).getMultiplexedConnection(FAST);
  cleanups.push(() => conn.destroy());
  return conn;
}

async function manager(fake: FakeRedis): Promise<ConnectionManager> {
  const conn = await new Client({ host: '127.0.0.1', port: fake.port }).getConnectionManager(FAST);
  cleanups.push(() => conn.destroy());
  return conn;
}

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: Error }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error: error as Error };
  }
}

/** The error and its causes, outermost first. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && chain.length < 10; e = (e as { cause?: unknown }).cause)
    chain.push(e);
  return chain;
}

/** A ProtocolError, or a ConnectionError / OutcomeUnknownError caused by one, that names the server. */
function expectProtocolFailure(error: Error | undefined, address: string): void {
  expect(error).toBeDefined();
  const chain = causes(error);
  expect(
    chain.some((e) => e instanceof ProtocolError),
    String(error),
  ).toBe(true);
  expect(
    error instanceof ProtocolError ||
      error instanceof ConnectionError ||
      error instanceof OutcomeUnknownError,
  ).toBe(true);
  expect(chain.map((e) => (e as Error).message).join(' | ')).toContain(address);
}

/** Malformed replies, each with what makes it malformed. */
const MALFORMED: [string, string][] = [
  ['an unknown type byte', '?what is this\r\n'],
  ['a bulk length that is not a number', '$abc\r\n'],
  ['a negative aggregate length', '*-5\r\n'],
  ['a bulk string longer than declared', '$3\r\nabcdef\r\n'],
  ['an integer with letters', ':12x4\r\n'],
  ['a line without CR', '+OK\n'],
  ['a streamed (chunked) string', '$?\r\n;4\r\nabcd\r\n;0\r\n'],
];

// ---------------------------------------------------------------------------------------------------------------

for (const hello of ['resp3', 'resp2'] as const) {
  describe(`a hostile server (HELLO answered ${hello === 'resp3' ? 'with a RESP3 map' : 'with an error: RESP2'})`, () => {
    it('the handshake works against the fake server (the baseline of every case below)', async () => {
      const fake = await fakeServer(hello);
      const conn = await multiplexed(fake);
      expect(conn.protocol).toBe(hello === 'resp3' ? 3 : 2);
      expect(await conn.set('k', 'v')).toBe('OK');
      expect(await conn.get('k')).toBe('v');
      expect(fake.received.some((args) => args[0] === 'HELLO')).toBe(true);
    });

    describe('malformed RESP', () => {
      it.each(MALFORMED)(
        '%s: pending commands fail with a ProtocolError, the connection closes',
        async (_, bytes) => {
          const fake = await fakeServer(hello);
          const conn = await multiplexed(fake);
          fake.onCommand = (_args, connection) => connection.write(bytes);
          const [first, second] = await Promise.all([settle(conn.get('a')), settle(conn.get('b'))]);
          expectProtocolFailure(first.error, fake.address);
          expectProtocolFailure(second.error, fake.address);
          expect(conn.isOpen).toBe(false);
          // Afterwards it refuses at once instead of hanging.
          const after = await settle(conn.get('c'));
          expect(after.error).toBeDefined();
        },
      );

      it.each(MALFORMED)(
        '%s: a ConnectionManager reconnects and serves again once the server behaves',
        async (_, bytes) => {
          const fake = await fakeServer(hello);
          const conn = await manager(fake);
          await conn.set('kept', 'value');
          let sent = 0;
          fake.onCommand = (args, connection) => {
            // Garbage once, then behave: the read is retried on the new connection and succeeds.
            if (sent++ === 0) connection.write(bytes);
            else behave(args, connection);
          };
          const [write, read] = await Promise.all([settle(conn.set('w', '1')), settle(conn.get('kept'))]);
          // The write was sent and its connection lost: its outcome is unknown, and it says why.
          expect(write.error).toBeInstanceOf(OutcomeUnknownError);
          expectProtocolFailure(write.error, fake.address);
          // The read is retried after the reconnect.
          expect(read.error).toBeUndefined();
          expect(read.value).toBe('value');
          expect(fake.accepted).toBe(2);
          expect(await conn.incr('counter-after-garbage')).toBe(1);
        },
      );
    });

    describe('huge declared lengths', () => {
      it('$999999999 and a few bytes: refused at once (above the 512 MiB limit), no allocation, reconnect', async () => {
        const fake = await fakeServer(hello);
        const conn = await manager(fake);
        let garbage = true;
        fake.onCommand = (args, connection) => {
          if (!garbage) return behave(args, connection);
          garbage = false;
          connection.write('$999999999\r\nabc');
        };
        const before = process.memoryUsage();
        const started = Date.now();
        const write = await settle(conn.set('k', 'v'));
        expect(Date.now() - started).toBeLessThan(FAST.commandTimeoutMs);
        expectProtocolFailure(write.error, fake.address);
        const after = process.memoryUsage();
        expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
        expect(await conn.get('k')).toBeNull(); // the SET never ran: the server answered it with garbage
        expect(fake.accepted).toBe(2);
      });

      it('a length under the limit (500 MB): memory grows with the bytes that arrive, not with the length declared', async () => {
        const fake = await fakeServer(hello);
        const conn = await manager(fake);
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const feedBytes = 24 * 1024 * 1024;
        let fed = 0;
        let feeding: FakeConnection | undefined;
        fake.onCommand = (args, connection) => {
          if (feeding !== undefined || args[0] !== 'GET') return behave(args, connection);
          feeding = connection;
          connection.write('$500000000\r\n');
          const pump = () => {
            while (fed < feedBytes) {
              fed += chunk.length;
              if (!connection.write(chunk)) {
                connection.socket.once('drain', pump);
                return;
              }
            }
          };
          pump();
        };
        const baseline = process.memoryUsage();
        let peak = 0;
        const sampler = setInterval(() => {
          const now = process.memoryUsage();
          peak = Math.max(peak, now.arrayBuffers - baseline.arrayBuffers, now.rss - baseline.rss);
        }, 5);
        cleanups.push(() => clearInterval(sampler));
        const read = settle(conn.get('huge'));
        await waitFor(() => fed >= feedBytes, {
          timeoutMs: 10_000,
          intervalMs: 10,
          message: 'the fake server to feed 24 MB',
        });
        // The server gives up on the reply and drops the connection: the read is retried on a new one.
        fake.onCommand = behave;
        feeding!.socket.destroy();
        const result = await read;
        clearInterval(sampler);
        expect(result.error).toBeUndefined();
        expect(result.value).toBeNull();
        // 24 MB arrived; a decoder that trusted the declared 500 MB would have reserved it.
        expect(peak).toBeLessThan(200 * 1024 * 1024);
        expect(fake.accepted).toBe(2);
      });
    });

    describe('endless nesting', () => {
      it('*1 repeated 100,000 times: a ProtocolError (nested too deep), no stack overflow, reconnect', async () => {
        const fake = await fakeServer(hello);
        const conn = await manager(fake);
        let garbage = true;
        fake.onCommand = (args, connection) => {
          if (!garbage) return behave(args, connection);
          garbage = false;
          connection.write('*1\r\n'.repeat(100_000));
        };
        const write = await settle(conn.set('nested', 'v'));
        expectProtocolFailure(write.error, fake.address);
        expect(
          causes(write.error)
            .map((e) => (e as Error).message)
            .join(' '),
        ).toMatch(/nest/i);
        expect(await conn.get('nested')).toBeNull(); // the SET never ran: the server answered it with garbage
        expect(fake.accepted).toBe(2);
      });

      it('*1 streamed without end, in small pieces: refused once too deep, memory flat', async () => {
        const fake = await fakeServer(hello);
        const conn = await multiplexed(fake);
        let writes = 0;
        let streaming: NodeJS.Timeout | undefined;
        fake.onCommand = (_args, connection) => {
          streaming = setInterval(() => {
            writes++;
            if (!connection.write('*1\r\n*1\r\n*1\r\n*1\r\n')) clearInterval(streaming);
          }, 1);
        };
        cleanups.push(() => clearInterval(streaming));
        const read = await settle(conn.get('deep'));
        clearInterval(streaming);
        expectProtocolFailure(read.error, fake.address);
        expect(writes).toBeLessThan(1_000);
      });
    });

    describe('replies nobody asked for', () => {
      it('an unsolicited reply while nothing is pending: the connection is dropped as corrupt, the manager reconnects', async () => {
        const fake = await fakeServer(hello);
        const conn = await manager(fake);
        expect(await conn.ping()).toBe('PONG');
        const [connection] = fake.connections;
        connection!.write('+SURPRISE\r\n');
        await waitFor(() => fake.accepted === 2, {
          timeoutMs: 5_000,
          intervalMs: 10,
          message: 'the manager to reconnect',
        });
        expect(await conn.incr('after-surprise')).toBe(1);
      });

      it('an unsolicited reply on a plain multiplexed connection closes it; commands then fail fast', async () => {
        const fake = await fakeServer(hello);
        const conn = await multiplexed(fake);
        const closed = new Promise<Error | undefined>((resolve) => conn.onClose(resolve));
        const [connection] = fake.connections;
        connection!.write(':42\r\n');
        const reason = await closed;
        expectProtocolFailure(reason, fake.address);
        expect((reason as Error).message).toMatch(/nobody asked/);
        const started = Date.now();
        expect((await settle(conn.ping())).error).toBeDefined();
        expect(Date.now() - started).toBeLessThan(100);
      });

      it('two replies to one command, then a flood of replies: never delivered to a later command', async () => {
        const fake = await fakeServer(hello);
        const conn = await manager(fake);
        let first = true;
        fake.onCommand = (args, connection) => {
          behave(args, connection);
          if (first) {
            first = false;
            connection.write('+EXTRA\r\n'.repeat(1_000));
          }
        };
        expect(await conn.echo('one')).toBe('one');
        await waitFor(() => fake.accepted === 2, {
          timeoutMs: 5_000,
          intervalMs: 10,
          message: 'the manager to drop the corrupt connection and reconnect',
        });
        expect(await conn.echo('two')).toBe('two');
      });

      if (hello === 'resp3') {
        it('a RESP3 push nobody subscribed to goes to onPush, and is never taken for a reply', async () => {
          const fake = await fakeServer(hello);
          const pushes: unknown[][] = [];
          const conn = await new Client({ host: '127.0.0.1', port: fake.port }).getMultiplexedConnection({
            ...FAST,
            onPush: (push) => pushes.push(push),
          });
          cleanups.push(() => conn.destroy());
          fake.onCommand = (args, connection) => {
            connection.write('>3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n');
            behave(args, connection);
          };
          expect(await conn.echo('mine')).toBe('mine');
          expect(pushes).toEqual([['message', 'news', 'hello']]);
          expect(conn.isOpen).toBe(true);
        });
      }
    });

    describe('nothing at all', () => {
      it('a server that accepts and never answers the handshake: connecting fails within the connect timeout', async () => {
        const fake = await fakeServer(hello);
        fake.onConnect = (connection) => connection.socket.removeAllListeners('data');
        const attempts: (() => Promise<unknown>)[] = [
          () => new Client({ host: '127.0.0.1', port: fake.port }).getMultiplexedConnection(FAST),
          () => new Client({ host: '127.0.0.1', port: fake.port }).getConnectionManager(FAST),
        ];
        for (const connect of attempts) {
          const started = Date.now();
          const { error } = await settle(connect());
          expect(Date.now() - started).toBeLessThan(FAST.connectTimeoutMs + 1_000);
          expect(error).toBeInstanceOf(TimeoutError);
          expect(error!.message).toContain(fake.address);
        }
      });

      it('a server that stops answering: each command times out naming itself and the node (not its arguments); when the server answers again, replies stay matched', async () => {
        const fake = await fakeServer(hello);
        const conn = await manager(fake);
        await conn.set('a', 'value-of-a');
        await conn.set('b', 'value-of-b');
        fake.onCommand = silent;
        const started = Date.now();
        const stuck = await settle(conn.get('a'));
        expect(Date.now() - started).toBeGreaterThanOrEqual(FAST.commandTimeoutMs - 50);
        expect(stuck.error).toBeInstanceOf(TimeoutError);
        expect(stuck.error).toMatchObject({ command: 'GET', node: fake.address });
        expect(stuck.error!.message).toContain(fake.address);
        expect(stuck.error!.message).not.toContain('value-of');
        // The server answers what piled up (a's reply comes late and is dropped), then b's read gets b's value.
        fake.behaveAgain();
        expect(await conn.get('b')).toBe('value-of-b');
        expect(await conn.get('a')).toBe('value-of-a');
      });

      it('a connection that goes silent: the manager drops it after a command timeout without a byte; writes in flight fail as outcome unknown saying why (never the arguments), reads are re-sent', async () => {
        const fake = await fakeServer(hello);
        const conn = await manager(fake);
        await conn.set('secret-key', 'secret-value');
        // The first connection stops answering; new ones behave.
        fake.onCommand = (args, connection) =>
          connection.ordinal === 1 ? silent(args, connection) : behave(args, connection);
        const first = await settle(conn.get('secret-key'));
        expect(first.error).toBeInstanceOf(TimeoutError);
        // Sent at once on the same silent connection: still in flight when it is found stuck and dropped.
        const [write, read] = await Promise.all([
          settle(conn.set('secret-key', 'secret-other')),
          settle(conn.get('secret-key')),
        ]);
        expect(write.error).toBeInstanceOf(OutcomeUnknownError);
        const reason = write.error!.cause as Error;
        expect(reason).toBeInstanceOf(ConnectionError);
        expect(reason.message).toContain(fake.address);
        expect(reason.message).toMatch(/stuck: nothing was read for \d+ ms/);
        for (const error of causes(write.error)) expect((error as Error).message).not.toContain('secret-');
        expect(read.value).toBe('secret-value'); // re-sent on the new connection; the silent one ran nothing
        expect(fake.accepted).toBe(2);
      });

      it('a reply that trickles in for longer than the command timeout: the command times out, the connection is kept', async () => {
        const fake = await fakeServer(hello);
        const conn = await manager(fake);
        const reply = `$40\r\n${'x'.repeat(40)}\r\n`;
        let sent = 0;
        let trickle: NodeJS.Timeout | undefined;
        fake.onCommand = (args, connection) => {
          if (args[0] !== 'GET') return behave(args, connection);
          // One byte every 50 ms: more than twice the command timeout in all, yet never silent for long.
          trickle = setInterval(() => {
            connection.write(reply.slice(sent, ++sent));
            if (sent === reply.length) clearInterval(trickle);
          }, 50);
        };
        cleanups.push(() => clearInterval(trickle));
        const slow = await settle(conn.get('big'));
        expect(slow.error).toBeInstanceOf(TimeoutError);
        await waitFor(() => sent === reply.length, {
          timeoutMs: 10_000,
          intervalMs: 10,
          message: 'the whole reply to be sent',
        });
        expect(await conn.echo('same connection')).toBe('same connection');
        expect(fake.accepted).toBe(1);
      });

      it('a plain multiplexed connection whose server stops answering: timeouts, then matched replies', async () => {
        const fake = await fakeServer(hello);
        const conn = await multiplexed(fake);
        await conn.set('x', 'value-of-x');
        fake.onCommand = silent;
        const results = await Promise.all([
          settle(conn.get('x')),
          settle(conn.incr('n')),
          settle(conn.ping()),
        ]);
        for (const result of results) expect(result.error).toBeInstanceOf(TimeoutError);
        fake.behaveAgain();
        expect(await conn.echo('after')).toBe('after');
        expect(await conn.get('x')).toBe('value-of-x');
      });

      it('a server that drops every connection right after the handshake: no busy reconnect loop, commands time out with the reason', async () => {
        const fake = await fakeServer(hello);
        const conn = await manager(fake);
        // Each new connection passes the handshake; the first command on it makes the server hang up.
        fake.onCommand = (_args, connection) => connection.socket.destroy();
        const started = Date.now();
        const accepted = fake.accepted;
        const result = await settle(conn.get('flapping'));
        const elapsed = Date.now() - started;
        expect(result.error).toBeInstanceOf(TimeoutError);
        expect(result.error!.message).toMatch(/closed|reconnecting/);
        // Backoff is 10 ms doubling to 100 ms here: some tens of connections a second, not thousands.
        expect((fake.accepted - accepted) / (elapsed / 1000)).toBeLessThan(200);
        fake.onCommand = behave;
        await waitFor(() => fake.connections.size > 0, {
          timeoutMs: 5_000,
          intervalMs: 10,
          message: 'a reconnect',
        });
        expect(await conn.echo('steady')).toBe('steady');
      });
    });
  });
}

describe('hang-ups during the handshake, and a reply that stops half-way', () => {
  const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

  /** A server whose connections after the first hang up as soon as CLIENT SETINFO arrives (after HELLO). */
  async function hangsUpOnSetinfo(): Promise<FakeRedis> {
    const fake = await fakeServer('resp2');
    fake.intercept = (args, connection) => {
      const setinfo = args[0]?.toUpperCase() === 'CLIENT' && args[1]?.toUpperCase() === 'SETINFO';
      if (!setinfo || connection.ordinal === 1) return false;
      connection.socket.destroy();
      return true;
    };
    fake.onCommand = (args, connection) =>
      args[0] === 'HANGUP' ? connection.socket.destroy() : behave(args, connection);
    return fake;
  }

  // The handshake ignores CLIENT SETINFO failures (older servers do not know it), a lost connection included, so
  // connecting "succeeds" with a connection that is already closed.
  it('connecting fails when the server hangs up during CLIENT SETINFO', async () => {
    const fake = await hangsUpOnSetinfo();
    await (await multiplexed(fake)).ping(); // the first connection is a normal one
    const second = await settle(
      new Client({ host: '127.0.0.1', port: fake.port }).getMultiplexedConnection(FAST),
    );
    if (second.value) cleanups.push(() => second.value!.destroy());
    expect(second.error).toBeInstanceOf(ConnectionError);
  });

  // Worse with a ConnectionManager: it adopts that closed connection and, flushing its waiting commands into it,
  // each one fails, is put back in the waiting queue and taken out again, synchronously and forever. The process
  // hangs at 100% CPU; no timer (command deadlines included) ever fires again. Run in a child process, with a
  // watchdog, so that the hang cannot take the test runner with it.
  it('a ConnectionManager whose reconnect meets a hang-up during CLIENT SETINFO settles its commands', async () => {
    const fake = await hangsUpOnSetinfo();
    const child = spawn(
      process.execPath,
      [
        '--conditions=@keyslot/source',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        SETINFO_CHILD,
        String(fake.port),
      ],
      { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 8_000);
    cleanups.push(() => {
      clearTimeout(watchdog);
      child.kill('SIGKILL');
    });
    const code = await new Promise<number | null>((resolve) =>
      child.on('exit', (exitCode) => resolve(exitCode)),
    );
    expect(output).toContain('settled:');
    expect(code).toBe(0);
  });

  // The connection waits for the rest of a reply that will never come, its socket open. Some bytes did arrive, so it
  // is dropped once nothing more has been read for a whole command timeout while that reply is overdue (see
  // ReplyWatchdog); the manager then connects again. The same holds behind a network path that swallows packets
  // (test/stuck-connections.test.ts, and chaos scenario 6c).
  it('a ConnectionManager replaces a connection stuck in the middle of a reply', async () => {
    const fake = await fakeServer('resp3');
    const conn = await manager(fake);
    let stuck = true;
    fake.onCommand = (args, connection) => {
      if (!stuck) return behave(args, connection);
      stuck = false;
      connection.write('$100\r\nonly a few bytes of a hundred');
    };
    const first = await settle(conn.get('k'));
    expect(first.error).toBeInstanceOf(TimeoutError);
    // The server behaves from here on, on any connection: the manager only has to stop using the stuck one.
    fake.onCommand = behave;
    const results: { value?: unknown; error?: Error }[] = [];
    for (let i = 0; i < 5; i++) results.push(await settle(conn.echo(`try ${i}`)));
    expect(results.at(-1)).toEqual({ value: 'try 4' });
    expect(fake.accepted).toBe(2); // one new connection, made in place of the stuck one
  });
});

/** The child of the SETINFO hang-up case: connect, lose the connection, then issue one command with a deadline. */
const SETINFO_CHILD = `
import { Client } from '@keyslot/client';
const port = Number(process.argv.at(-1));
const manager = await new Client({ host: '127.0.0.1', port }).getConnectionManager({ commandTimeoutMs: 500 });
await manager.call('HANGUP').catch(() => {});
const outcome = await manager.get('k').then(() => 'ok', (error) => error.code);
console.log('settled:', outcome);
manager.destroy();
`;
