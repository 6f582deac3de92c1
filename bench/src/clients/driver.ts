import type { ClientName } from '../names.js';

/** What a scenario needs from a client library: the same few operations, each in the library's own idiom. */
export interface Driver {
  set(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<unknown>;
  /** SET with a binary value, sent as it is (the scale benchmark's large values). */
  setBuffer(key: string, value: Buffer): Promise<unknown>;
  /** GET whose reply is a Buffer (no UTF-8 decoding of a large value). */
  getBuffer(key: string): Promise<unknown>;
  /**
   * One explicit pipeline of `count` commands in the library's own pipeline form: pairs of SET key / GET key, the
   * keys taken from `keys` starting at `start` (wrapping), so they spread over every slot. Resolves with the number
   * of commands that failed.
   */
  batch(keys: readonly string[], start: number, count: number, value: string): Promise<number>;
  close(): Promise<void>;
}

/** How a child reaches the cluster. */
export interface ClusterAddresses {
  /** Every node, `127.0.0.1:port`. */
  seeds: string[];
  /** The primaries only. */
  primaries: string[];
}

export function hostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

/** Loads the driver of one client; only that client's library is imported into the process. */
export async function loadDriver(name: ClientName, cluster: ClusterAddresses): Promise<Driver> {
  switch (name) {
    case 'keyslot':
      return (await import('./keyslot.js')).connectKeyslot(cluster);
    case 'keyslot-otel-nosdk':
      return (await import('./keyslot-otel.js')).connectKeyslotWithOtel(cluster, 'none');
    case 'keyslot-otel-batch':
      return (await import('./keyslot-otel.js')).connectKeyslotWithOtel(cluster, 'batch');
    case 'keyslot-otel':
      return (await import('./keyslot-otel.js')).connectKeyslotWithOtel(cluster, 'simple');
    case 'ioredis':
      return (await import('./ioredis.js')).connectIoredis(cluster, false);
    case 'ioredis-autopipe':
      return (await import('./ioredis.js')).connectIoredis(cluster, true);
    case 'node-redis':
      return (await import('./node-redis.js')).connectNodeRedis(cluster);
    case 'glide':
      return (await import('./glide.js')).connectGlide(cluster);
    default:
      throw new Error(`unknown client ${String(name)}`);
  }
}
