// A deliberately tiny RESP2 client used only for admin commands (cluster setup, fault injection, checks).
// It is internal to dev-cluster: the product client lives in @keyslot/client and is what tests exercise.
import net from 'node:net';
import tls from 'node:tls';

/** A reply as the admin client sees it: RESP2 types, bulk strings decoded as UTF-8 (Buffers in raw mode). */
export type RespReply = string | Buffer | number | null | RedisReplyError | RespReply[];

/** An error reply (`-ERR ...`) from Redis. */
export class RedisReplyError extends Error {
  override name = 'RedisReplyError';
}

/** The connection failed, closed, or a command got no reply in time. */
export class RespConnectionError extends Error {
  override name = 'RespConnectionError';
}

/** Where an admin connection goes, and how it authenticates. */
export interface RespEndpoint {
  host: string;
  port: number;
  /** TLS options (CA, client certificate); plain TCP when absent. */
  tls?: tls.ConnectionOptions | undefined;
  auth?: { username?: string | undefined; password: string } | undefined;
}

export type RespArg = string | number | Buffer;

interface PendingReply {
  raw: boolean;
  resolve(reply: RespReply): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Parses one reply at `offset`; undefined when the buffer does not hold a whole reply yet. With `raw`, bulk
 * strings stay Buffers (keys moved by MIGRATE need not be UTF-8).
 */
export function parseReply(
  buf: Buffer,
  offset: number,
  raw = false,
): { value: RespReply; next: number } | undefined {
  const lineEnd = buf.indexOf('\r\n', offset);
  if (lineEnd === -1) return undefined;
  const type = buf[offset];
  const line = buf.toString('utf8', offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (type) {
    case 0x2b: // +
      return { value: line, next: afterLine };
    case 0x2d: // -
      return { value: new RedisReplyError(line), next: afterLine };
    case 0x3a: // :
      return { value: Number(line), next: afterLine };
    case 0x24: {
      // $
      const length = Number(line);
      if (length < 0) return { value: null, next: afterLine };
      if (buf.length < afterLine + length + 2) return undefined;
      const end = afterLine + length;
      const value = raw ? Buffer.from(buf.subarray(afterLine, end)) : buf.toString('utf8', afterLine, end);
      return { value, next: end + 2 };
    }
    case 0x2a: {
      // *
      const count = Number(line);
      if (count < 0) return { value: null, next: afterLine };
      const items: RespReply[] = [];
      let next = afterLine;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next, raw);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new RespConnectionError(`Unexpected RESP type byte ${type}`);
  }
}

/** Encodes a command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly RespArg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg));
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** One pipelined connection. A command timeout destroys the connection: later replies could not be matched. */
export class RespConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: PendingReply[] = [];
  private failure: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(new RespConnectionError(error.message)));
    socket.on('close', () => this.fail(new RespConnectionError('Connection closed')));
    // Idle admin connections must not keep a test process alive.
    socket.unref();
  }

  /** Connects (and authenticates when the endpoint has credentials) within `timeoutMs`. */
  static async connect(endpoint: RespEndpoint, timeoutMs: number): Promise<RespConnection> {
    const socket = await openSocket(endpoint, timeoutMs);
    const connection = new RespConnection(socket);
    if (endpoint.auth) {
      const { username, password } = endpoint.auth;
      const args = username ? ['AUTH', username, password] : ['AUTH', password];
      try {
        await connection.send(args, timeoutMs);
      } catch (error) {
        connection.close();
        throw error;
      }
    }
    return connection;
  }

  get closed(): boolean {
    return this.failure !== undefined;
  }

  /** Sends one command; rejects with RedisReplyError for an error reply, RespConnectionError otherwise. */
  send(args: readonly RespArg[], timeoutMs: number, raw = false): Promise<RespReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<RespReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new RespConnectionError(`${String(args[0])} got no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.push({ raw, resolve, reject, timer });
      this.socket.ref();
      this.socket.write(encodeCommand(args));
    });
  }

  close(): void {
    this.fail(new RespConnectionError('Connection closed by the admin client'));
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    while (offset < this.buffer.length) {
      let parsed: ReturnType<typeof parseReply>;
      try {
        parsed = parseReply(this.buffer, offset, this.pending[0]?.raw);
      } catch (error) {
        this.fail(error as Error);
        return;
      }
      if (!parsed) break;
      offset = parsed.next;
      const waiter = this.pending.shift();
      if (!waiter) continue;
      clearTimeout(waiter.timer);
      if (parsed.value instanceof RedisReplyError) waiter.reject(parsed.value);
      else waiter.resolve(parsed.value);
    }
    this.buffer = this.buffer.subarray(offset);
    if (this.pending.length === 0) this.socket.unref();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiter of this.pending.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.socket.destroy();
  }
}

function openSocket(endpoint: RespEndpoint, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = endpoint.tls
      ? tls.connect({ ...endpoint.tls, host: endpoint.host, port: endpoint.port })
      : net.connect({ host: endpoint.host, port: endpoint.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new RespConnectionError(`Connecting to ${endpoint.host}:${endpoint.port} timed out`));
    }, timeoutMs);
    socket.once(endpoint.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new RespConnectionError(error.message));
    });
  });
}
