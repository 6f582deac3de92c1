import type { CacheOptions } from './cache/cache-options.js';
import { ConfigError } from './errors.js';
import type { BackoffPolicy } from './util/backoff.js';

/**
 * How a connection behaves: deadlines, retries, limits and push handling. Every field has a default, so `{}` is a
 * complete configuration. Used by `Client`, `ConnectionManager` and `ClusterClient`.
 */
export interface ConnectionConfig {
  /** Most time to open a socket and finish the handshake, in ms. Default 5000. */
  connectTimeoutMs?: number | undefined;
  /**
   * Deadline of each command, in ms: it covers waiting for a connection, redirects, retries and the reply.
   * Blocking commands get their own block time plus this. Default 5000.
   */
  commandTimeoutMs?: number | undefined;
  /** Re-send writes whose outcome is unknown after a lost connection (they may then run twice). Default false. */
  retryWrites?: boolean | undefined;
  /** Delay between reconnect attempts and between retries. Default: base 50 ms, doubling up to 2000 ms, jittered. */
  backoff?: BackoffPolicy | undefined;
  /** Most commands waiting at once (on the whole connection, cluster included); beyond it new ones fail fast. Default 100000. */
  maxPending?: number | undefined;
  /** Return bulk strings as Buffers by default (per call: `conn.buffers`). Default false. */
  returnBuffers?: boolean | undefined;
  /** Receives RESP3 push messages that are not pub/sub messages (e.g. client-side caching invalidations). */
  onPush?: (push: unknown[]) => void;
  /**
   * Put the command text in `keyslot:command` traces (and so in OpenTelemetry spans, as `db.query.text`): the name
   * and the arguments that name keys or structure, values replaced by a count. Default false: the name only.
   */
  traceCommandText?: boolean | undefined;
  /**
   * Client-side caching of read replies, kept correct by the server's invalidation messages (RESP3 `CLIENT
   * TRACKING`). Off by default; `{}` turns it on with default limits. See `CacheOptions`.
   */
  cache?: CacheOptions | undefined;
}

/** A `ConnectionConfig` with every default applied. */
export type ResolvedConnectionConfig = Required<Omit<ConnectionConfig, 'onPush' | 'backoff' | 'cache'>> &
  Pick<ConnectionConfig, 'onPush'> & { backoff: Required<BackoffPolicy> };

export function resolveConnectionConfig(config: ConnectionConfig = {}): ResolvedConnectionConfig {
  return {
    connectTimeoutMs: positive(config.connectTimeoutMs, 5000, 'connectTimeoutMs'),
    commandTimeoutMs: positive(config.commandTimeoutMs, 5000, 'commandTimeoutMs'),
    retryWrites: config.retryWrites ?? false,
    backoff: {
      baseMs: positive(config.backoff?.baseMs, 50, 'backoff.baseMs'),
      maxMs: positive(config.backoff?.maxMs, 2000, 'backoff.maxMs'),
    },
    maxPending: positive(config.maxPending, 100_000, 'maxPending'),
    returnBuffers: config.returnBuffers ?? false,
    onPush: config.onPush,
    traceCommandText: config.traceCommandText === true,
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0)) {
    throw new ConfigError(
      `${name} must be a positive number of milliseconds (or count), got ${String(value)}`,
    );
  }
  return value;
}
