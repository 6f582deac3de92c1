import type { ConnectionConfig } from '../config.js';
import { checkClientName } from '../connection/client-name.js';
import type { TlsOptions } from '../connection/connection-options.js';
import { type CredentialsProvider, checkCredentialOptions } from '../connection/credentials.js';
import { ConfigError } from '../errors.js';
import { parseRedisUrl } from '../standalone/client-options.js';
import { Secret } from '../util/secret.js';

/** A node address: `host:port`, a `redis://` / `rediss://` URL, or an object. */
export type ClusterNodeInput = string | { host: string; port: number };

/** Maps an address the cluster announces to one this process can reach (NAT, port forwarding, containers). */
export type NatMap =
  | Record<string, { host: string; port: number }>
  | ((address: { host: string; port: number }) => { host: string; port: number });

/** Settings shared by every node connection of a cluster: applied in one place. */
export interface ClusterClientOptions {
  username?: string | undefined;
  password?: string | undefined;
  /**
   * Instead of `username` and `password`: called for each new connection's handshake, and again before the secret
   * it returned expires, to re-authenticate every open connection (cloud IAM tokens, rotated passwords).
   */
  credentials?: CredentialsProvider | undefined;
  /** TLS for every node: `true` for the system's trusted CAs, or certificates and options. */
  tls?: boolean | TlsOptions | undefined;
  /** CLIENT SETNAME on every connection. */
  clientName?: string | undefined;
  /** RESP version. Default 3 (falls back to 2 where HELLO is unknown). */
  protocol?: 2 | 3 | undefined;
  natMap?: NatMap | undefined;
}

/** Where reads go. Writes always go to the primary. */
export type ReadFrom = 'primary' | 'preferReplica' | 'replica';

/** `ConnectionConfig` plus what only a cluster has. Every field has a default. */
export interface ClusterConnectionConfig extends ConnectionConfig {
  /** Default `primary`. `preferReplica` and `replica` round-robin reads over replicas, falling back to the primary. */
  readFrom?: ReadFrom | undefined;
  /** How often the topology is checked even when nothing went wrong, in ms. Default 30000. */
  topologyCheckIntervalMs?: number | undefined;
  /** Least time between two topology refreshes, in ms. Default 100. */
  minRefreshIntervalMs?: number | undefined;
  /** Most redirects (MOVED/ASK) followed for one command. Default 16. */
  maxRedirects?: number | undefined;
}

export interface SeedNode {
  host: string;
  port: number;
}

/** Parses and checks seed nodes; throws `ConfigError` naming the bad entry. */
export function parseSeeds(nodes: ClusterNodeInput | readonly ClusterNodeInput[]): {
  seeds: SeedNode[];
  fromUrl: ClusterClientOptions;
} {
  const list = Array.isArray(nodes)
    ? nodes
    : typeof nodes === 'string'
      ? nodes.split(',').map((s) => s.trim())
      : [nodes];
  if (list.length === 0 || (list.length === 1 && list[0] === '')) {
    throw new ConfigError('ClusterClient needs at least one seed node, e.g. ["127.0.0.1:7000"]');
  }
  const seeds: SeedNode[] = [];
  let fromUrl: ClusterClientOptions = {};
  list.forEach((entry: ClusterNodeInput, index: number) => {
    if (typeof entry === 'string') {
      if (/^rediss?:\/\//.test(entry)) {
        const parsed = parseRedisUrl(entry);
        if (!parsed.host || !parsed.port)
          throw new ConfigError(`seed node ${index}: the URL needs a host and a port`);
        seeds.push({ host: parsed.host, port: parsed.port });
        fromUrl = { ...fromUrl, username: parsed.username, password: parsed.password, tls: parsed.tls };
        return;
      }
      const match = /^(\[[^\]]+\]|[^:\s]+):(\d+)$/.exec(entry);
      if (!match)
        throw new ConfigError(`seed node ${index} ('${entry}') is not host:port, e.g. '127.0.0.1:7000'`);
      seeds.push({ host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port: checkPort(Number(match[2]), index) });
      return;
    }
    if (typeof entry !== 'object' || entry === null || typeof entry.host !== 'string' || entry.host === '') {
      throw new ConfigError(`seed node ${index} must be 'host:port', a redis:// URL or { host, port }`);
    }
    seeds.push({ host: entry.host, port: checkPort(entry.port, index) });
  });
  return { seeds, fromUrl: stripUndefined(fromUrl) };
}

/** Checks the client options; throws `ConfigError` with what to fix, never echoing a password. */
export function checkClusterOptions(options: ClusterClientOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('ClusterClient options must be an object');
  if (options.password !== undefined && typeof options.password !== 'string')
    throw new ConfigError('password must be a string');
  checkCredentialOptions(options);
  checkClientName(options.clientName);
  if (options.protocol !== undefined && options.protocol !== 2 && options.protocol !== 3) {
    throw new ConfigError(`protocol must be 2 or 3, got ${String(options.protocol)}`);
  }
}

export function wrapPassword(password: string | undefined): Secret | undefined {
  return password === undefined ? undefined : new Secret(password);
}

function checkPort(port: number, index: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`seed node ${index}: port must be an integer from 1 to 65535, got ${String(port)}`);
  }
  return port;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
