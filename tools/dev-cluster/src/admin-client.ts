import { type RespArg, RespConnection, type RespEndpoint, type RespReply } from './resp-connection.js';

/** Default time an admin command may take before its connection is dropped. */
export const DEFAULT_ADMIN_TIMEOUT_MS = 5_000;

/** Keeps one admin connection per node, so the readiness polls do not open a socket per command. */
export class AdminClient {
  private readonly open = new Map<string, RespConnection>();
  private readonly connecting = new Map<string, Promise<RespConnection>>();

  /** Sends one command to the endpoint, connecting (again) when needed. `raw` keeps bulk strings as Buffers. */
  async command(
    endpoint: RespEndpoint,
    args: readonly RespArg[],
    { timeoutMs = DEFAULT_ADMIN_TIMEOUT_MS, raw = false }: { timeoutMs?: number; raw?: boolean } = {},
  ): Promise<RespReply> {
    const connection = await this.connection(endpoint, timeoutMs);
    return connection.send(args, timeoutMs, raw);
  }

  /** Closes the connection to one endpoint (after a kill, a pause or a restart). */
  drop(endpoint: Pick<RespEndpoint, 'host' | 'port'>): void {
    const key = keyOf(endpoint);
    this.open.get(key)?.close();
    this.open.delete(key);
    this.connecting
      .get(key)
      ?.then((c) => c.close())
      .catch(() => undefined);
    this.connecting.delete(key);
  }

  closeAll(): void {
    for (const connection of this.open.values()) connection.close();
    for (const pending of this.connecting.values()) pending.then((c) => c.close()).catch(() => undefined);
    this.open.clear();
    this.connecting.clear();
  }

  private connection(endpoint: RespEndpoint, timeoutMs: number): Promise<RespConnection> {
    const key = keyOf(endpoint);
    const existing = this.open.get(key);
    if (existing && !existing.closed) return Promise.resolve(existing);
    let pending = this.connecting.get(key);
    if (!pending) {
      pending = RespConnection.connect(endpoint, timeoutMs);
      this.connecting.set(key, pending);
      const settled = pending;
      settled.then(
        (connection) => {
          if (this.connecting.get(key) !== settled) return;
          this.connecting.delete(key);
          this.open.set(key, connection);
        },
        () => {
          if (this.connecting.get(key) === settled) this.connecting.delete(key);
        },
      );
    }
    return pending;
  }
}

function keyOf(endpoint: Pick<RespEndpoint, 'host' | 'port'>): string {
  return `${endpoint.host}:${endpoint.port}`;
}
