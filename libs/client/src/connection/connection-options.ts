import type { ConnectionOptions as TlsConnectOptions } from 'node:tls';
import type { Secret } from '../util/secret.js';
import type { CredentialSource } from './credentials.js';

/** TLS settings. Certificates are verified unless `rejectUnauthorized: false` is given explicitly. */
export interface TlsOptions {
  ca?: TlsConnectOptions['ca'] | undefined;
  cert?: TlsConnectOptions['cert'] | undefined;
  key?: TlsConnectOptions['key'] | undefined;
  servername?: string | undefined;
  /** Verify the server's certificate. Default `true`. */
  rejectUnauthorized?: boolean | undefined;
}

/** Everything one socket to one server needs, resolved (defaults applied, password wrapped). */
export interface NodeConnectionSettings {
  host: string;
  port: number;
  tls?: TlsOptions | undefined;
  username?: string | undefined;
  password?: Secret | undefined;
  /** Asked for the username and password at each handshake instead (never together with `password`). */
  credentials?: CredentialSource | undefined;
  /** CLIENT SETNAME. */
  clientName?: string | undefined;
  /** Logical database (standalone only). */
  db: number;
  /** RESP version to ask for with HELLO; 3 falls back to 2 where HELLO is unknown. */
  protocol: 2 | 3;
  /** Send READONLY after the handshake (cluster replicas serving reads). */
  readonly: boolean;
  /** Turn on RESP3 client tracking (`CLIENT TRACKING ON`) in the handshake, before any read: for the client-side cache. */
  tracking?: boolean | undefined;
  connectTimeoutMs: number;
  /** Most commands that may wait on this connection (written and unwritten); beyond it new ones fail fast. */
  maxPending: number;
}

/** `host:port` of a node, as used in error messages and topology. */
export function addressOf(settings: { host: string; port: number }): string {
  return settings.host.includes(':')
    ? `[${settings.host}]:${settings.port}`
    : `${settings.host}:${settings.port}`;
}
