// The clients a scenario can run against: keyslot, and (optionally, for the side-by-side figures of PEERS.md) the
// peers installed in bench/node_modules, each with default options unless named, as in the benchmarks.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ClusterClient, type ClusterConnection, type CredentialsProvider } from '@keyslot/client';
import type { LoadTarget } from './load.js';
import type { PubSubTarget } from './pubsub-load.js';

export const CLIENT_KINDS = ['keyslot', 'ioredis', 'ioredis-autopipe', 'node-redis'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];
export type NatMap = Record<string, { host: string; port: number }>;

/** How a scenario wants its client. */
export interface ClientSettings {
  seeds: readonly string[];
  natMap?: NatMap | undefined;
  readFrom: 'primary' | 'replica';
  /** Command deadline, where the client has one (node-redis: none). Default: the client's own. */
  commandTimeoutMs?: number | undefined;
  /** keyslot's `maxPending`. */
  maxPending: number;
  /** The CA of a TLS cluster (keyslot only). */
  tlsCa?: string | undefined;
  /** A credentials provider instead of no password at all (keyslot only). */
  credentials?: CredentialsProvider | undefined;
}

/** One connected client, as the harness drives it. */
export interface ClientUnderTest {
  readonly kind: ClientKind;
  readonly target: LoadTarget;
  /** Pub/sub on the same connection (keyslot). */
  readonly pubsub?: PubSubTarget;
  /** Commands pending inside the client, when it tells (keyslot's `stats().pending`). */
  readonly pending: (() => number) | undefined;
  /** Whether a failed INCR may have run: keyslot says so; for the others, only a redirect-like reply says it did not. */
  maybeApplied(error: unknown): boolean;
  /** The client's own counters, for the JSON figures. */
  stats(): unknown;
  /** WAIT on one node's shared connection (keyslot), to confirm the writes made through it. */
  readonly waitOn?: (address: string, replicas: number, timeoutMs: number) => Promise<number>;
  close(): Promise<void>;
  destroy(): void;
}

/** Replies that mean the command was not run. */
const NOT_RUN = new Set(['MOVED', 'ASK', 'TRYAGAIN', 'CLUSTERDOWN', 'LOADING', 'MASTERDOWN']);

function replyPrefix(error: unknown): string | undefined {
  const message = (error as Error)?.message;
  if (typeof message !== 'string') return undefined;
  const word = message.split(' ', 1)[0]!;
  return /^[A-Z]{3,}$/.test(word) ? word : undefined;
}

export async function openClient(kind: ClientKind, settings: ClientSettings): Promise<ClientUnderTest> {
  switch (kind) {
    case 'keyslot':
      return openKeyslot(settings);
    case 'ioredis':
    case 'ioredis-autopipe':
      return openIoredis(settings, kind === 'ioredis-autopipe');
    case 'node-redis':
      return openNodeRedis(settings);
  }
}

async function openKeyslot(settings: ClientSettings): Promise<ClientUnderTest> {
  const conn: ClusterConnection = await new ClusterClient([...settings.seeds], {
    natMap: settings.natMap,
    ...(settings.tlsCa === undefined ? {} : { tls: { ca: settings.tlsCa } }),
    ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
  }).getConnection({
    maxPending: settings.maxPending,
    readFrom: settings.readFrom,
    ...(settings.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: settings.commandTimeoutMs }),
  });
  const maybe = new Set(['ERR_KEYSLOT_OUTCOME_UNKNOWN', 'ERR_KEYSLOT_TIMEOUT']);
  return {
    kind: 'keyslot',
    target: conn,
    pubsub: conn,
    pending: () => conn.stats().pending,
    maybeApplied: (error) => maybe.has((error as { code?: string })?.code ?? ''),
    stats: () => conn.stats(),
    waitOn: (address, replicas, timeoutMs) =>
      conn.onNode<number>(address, { name: 'WAIT', args: [replicas, timeoutMs] }),
    close: () => conn.close(),
    destroy: () => conn.destroy(),
  };
}

/** A peer library from bench/node_modules (not installed by the root `npm ci`: `cd bench && npm ci`). */
async function peer(name: string): Promise<Record<string, unknown>> {
  const require = createRequire(new URL('../../bench/package.json', import.meta.url));
  let resolved: string;
  try {
    resolved = require.resolve(name);
  } catch {
    throw new Error(
      `${name} is not installed in bench/node_modules: run \`npm ci\` in bench/ to compare with the peers`,
    );
  }
  return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
}

function hostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

interface PeerClient extends LoadTarget {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  connect(): Promise<unknown>;
}

/** The settings only keyslot's side of the suite knows. */
function keyslotOnly(settings: ClientSettings, peer: string): void {
  if (settings.tlsCa !== undefined || settings.credentials !== undefined) {
    throw new Error(`${peer} is not measured on this fault (TLS and credentials are keyslot's figures only)`);
  }
}

async function openIoredis(settings: ClientSettings, autoPipelining: boolean): Promise<ClientUnderTest> {
  keyslotOnly(settings, 'ioredis');
  const { Cluster } = (await peer('ioredis')) as {
    Cluster: new (
      nodes: unknown[],
      options: unknown,
    ) => PeerClient & { quit(): Promise<unknown>; disconnect(): void };
  };
  const client = new Cluster(settings.seeds.map(hostPort), {
    enableAutoPipelining: autoPipelining,
    lazyConnect: true,
    scaleReads: settings.readFrom === 'replica' ? 'slave' : 'master',
    ...(settings.natMap ? { natMap: settings.natMap } : {}),
    redisOptions: {
      protocol: 3,
      ...(settings.commandTimeoutMs === undefined ? {} : { commandTimeout: settings.commandTimeoutMs }),
    },
  });
  client.on('error', () => {}); // errors surface on commands
  client.on('node error', () => {});
  await client.connect();
  return {
    kind: autoPipelining ? 'ioredis-autopipe' : 'ioredis',
    target: client,
    pending: undefined,
    maybeApplied: (error) => !NOT_RUN.has(replyPrefix(error) ?? ''),
    stats: () => undefined,
    close: async () => {
      await client.quit();
    },
    destroy: () => client.disconnect(),
  };
}

async function openNodeRedis(settings: ClientSettings): Promise<ClientUnderTest> {
  keyslotOnly(settings, 'node-redis');
  const { createCluster } = (await peer('redis')) as {
    createCluster(options: unknown): PeerClient & {
      close?(): Promise<unknown>;
      quit?(): Promise<unknown>;
      destroy?(): unknown;
      disconnect?(): unknown;
    };
  };
  const client = createCluster({
    rootNodes: settings.seeds.map((address) => ({ url: `redis://${address}` })),
    RESP: 3,
    useReplicas: settings.readFrom === 'replica',
    ...(settings.natMap ? { nodeAddressMap: settings.natMap } : {}),
  });
  client.on('error', () => {}); // errors surface on commands
  await client.connect();
  return {
    kind: 'node-redis',
    target: client,
    pending: undefined,
    maybeApplied: (error) => !NOT_RUN.has(replyPrefix(error) ?? ''),
    stats: () => undefined,
    close: async () => {
      await (client.close ?? client.quit)?.call(client);
    },
    destroy: () => {
      (client.destroy ?? client.disconnect)?.call(client);
    },
  };
}
