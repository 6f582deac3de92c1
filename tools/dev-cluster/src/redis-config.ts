// Renders redis.conf for dev nodes: loopback only, nothing persisted, fast replication and failure detection.
import path from 'node:path';
import type { TlsFiles } from './tls-files.js';

/** Settings every dev server gets. */
export interface ServerConfigOptions {
  /** Plain TCP port; 0 disables it (TLS only). */
  port: number;
  tlsPort?: number | undefined;
  dir: string;
  tls?: TlsFiles | undefined;
  password?: string | undefined;
}

/** Settings of a cluster node. */
export interface ClusterConfigOptions extends ServerConfigOptions {
  nodeTimeoutMs: number;
}

/** File name of each node's config in its folder. */
export const CONFIG_FILE = 'redis.conf';
/** File name of each node's log in its folder. */
export const LOG_FILE = 'redis.log';

/** redis.conf lines of a standalone server. */
export function serverConfigLines(options: ServerConfigOptions): string[] {
  const lines = [
    `port ${options.port}`,
    'bind 127.0.0.1',
    'protected-mode no',
    'daemonize no',
    `dir ${quote(options.dir)}`,
    `logfile ${quote(path.join(options.dir, LOG_FILE))}`,
    // Nothing is persisted: dev data is disposable and restarts must not wait for disk.
    'save ""',
    'appendonly no',
    // Tests use DEBUG SLEEP to simulate a slow server.
    'enable-debug-command yes',
  ];
  if (options.tls) {
    if (options.tlsPort === undefined) throw new Error('TLS needs a tlsPort');
    lines.push(
      `tls-port ${options.tlsPort}`,
      `tls-cert-file ${quote(options.tls.certFile)}`,
      `tls-key-file ${quote(options.tls.keyFile)}`,
      `tls-ca-cert-file ${quote(options.tls.caFile)}`,
      // Clients may present a certificate; they do not have to.
      'tls-auth-clients optional',
    );
  }
  if (options.password !== undefined) lines.push(`requirepass ${quote(options.password)}`);
  return lines;
}

/** redis.conf lines of a cluster node. */
export function clusterConfigLines(options: ClusterConfigOptions): string[] {
  const lines = serverConfigLines(options);
  lines.push(
    'cluster-enabled yes',
    'cluster-config-file nodes.conf',
    `cluster-node-timeout ${options.nodeTimeoutMs}`,
    'cluster-require-full-coverage yes',
    'cluster-allow-replica-migration no',
    // Any replica may be promoted, however long it was cut off: fault tests kill and pause nodes freely.
    'cluster-replica-validity-factor 0',
    // Redis 7.0 lists a replica in CLUSTER SLOTS only once its offset is non-zero; frequent pings and an
    // immediate diskless sync get it there quickly.
    'repl-ping-replica-period 1',
    'repl-diskless-sync yes',
    'repl-diskless-sync-delay 0',
  );
  if (options.password !== undefined) lines.push(`masterauth ${quote(options.password)}`);
  if (options.tls) lines.push('tls-cluster yes', 'tls-replication yes');
  return lines;
}

/** Joins config lines, with the caller's extra lines last so they override the defaults. */
export function renderConfig(lines: readonly string[], extraConfig: readonly string[] = []): string {
  return `${[...lines, ...extraConfig].join('\n')}\n`;
}

/** Quotes a value for redis.conf. */
export function quote(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** Accepts extra config as one multi-line string or as lines. */
export function toConfigLines(extraConfig: string | readonly string[] | undefined): string[] {
  if (extraConfig === undefined) return [];
  const lines = typeof extraConfig === 'string' ? extraConfig.split('\n') : [...extraConfig];
  return lines.map((line) => line.trim()).filter((line) => line.length > 0);
}
