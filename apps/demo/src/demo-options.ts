import { randomBytes } from 'node:crypto';
import type { ClusterConnectionConfig } from '@keyslot/client';

/** What both demo servers need to start. */
export interface DemoOptions {
  /** Seed nodes of the cluster, `host:port`. */
  nodes: string[];
  /** Connection settings; the demo reads from replicas when it can, to show it. */
  connection?: ClusterConnectionConfig;
  /** Log requests (off in tests). */
  logger?: boolean;
  /** The connection's CLIENT SETNAME. Default `keyslot-demo`. */
  clientName?: string;
  /** The admin page's password; the admin routes answer 404 without one. */
  adminPassword?: string;
  /** Signs the session cookies: at least 32 characters. Default: random per process (sessions end with it). */
  sessionSecret?: string;
}

/** The connection's name unless told otherwise. */
export const DEMO_CLIENT_NAME = 'keyslot-demo';

/** The session secret: the one given, else a random one for this process. */
export function sessionSecretOf(options: DemoOptions): string {
  return options.sessionSecret ?? randomBytes(32).toString('base64url');
}

/** The connection settings the demo uses unless told otherwise. */
export const DEMO_CONNECTION: ClusterConnectionConfig = {
  readFrom: 'preferReplica',
  // Link lookups are served from memory, kept correct by the servers' invalidation messages.
  cache: { maxEntries: 10_000 },
  commandTimeoutMs: 3000,
  connectTimeoutMs: 5000,
};

/** Seed nodes from `REDIS_CLUSTER_NODES` (`host:port,host:port`), or undefined when unset. */
export function nodesFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const raw = env.REDIS_CLUSTER_NODES?.trim();
  if (!raw) return undefined;
  return raw
    .split(',')
    .map((node) => node.trim())
    .filter(Boolean);
}
