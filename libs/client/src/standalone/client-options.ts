import { checkClientName } from '../connection/client-name.js';
import type { NodeConnectionSettings, TlsOptions } from '../connection/connection-options.js';
import {
  CredentialSource,
  type CredentialsProvider,
  checkCredentialOptions,
} from '../connection/credentials.js';
import { ConfigError } from '../errors.js';
import { Secret } from '../util/secret.js';

/** Where a standalone server is and how to log in. */
export interface ClientOptions {
  /** Default `127.0.0.1`. */
  host?: string | undefined;
  /** Default 6379. */
  port?: number | undefined;
  /** ACL user name; omit for the default user. */
  username?: string | undefined;
  password?: string | undefined;
  /**
   * Instead of `username` and `password`: called for each new connection's handshake, and again before the secret
   * it returned expires, to re-authenticate every open connection (cloud IAM tokens, rotated passwords).
   */
  credentials?: CredentialsProvider | undefined;
  /** Logical database. Default 0. */
  db?: number | undefined;
  /** Use TLS: `true` for the system's trusted CAs, or certificates and options. */
  tls?: boolean | TlsOptions | undefined;
  /** Sent with CLIENT SETNAME. */
  clientName?: string | undefined;
  /** RESP version to ask for. Default 3, falling back to 2 where the server does not know HELLO. */
  protocol?: 2 | 3 | undefined;
}

/** Parses `redis://[user[:password]@]host[:port][/db][?protocol=2&clientName=x]` (or `rediss://` for TLS). */
export function parseRedisUrl(url: string): ClientOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      'invalid Redis URL: expected redis://[user[:password]@]host[:port][/db] or rediss://...',
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError(
      `invalid Redis URL: the scheme must be redis:// or rediss://, not ${parsed.protocol}//`,
    );
  }
  const options: ClientOptions = {};
  if (parsed.hostname) options.host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (parsed.port) options.port = Number(parsed.port);
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  const path = parsed.pathname.replace(/^\//, '');
  if (path !== '') {
    if (!/^\d+$/.test(path))
      throw new ConfigError(`invalid Redis URL: the path must be a database number, got '/${path}'`);
    options.db = Number(path);
  }
  if (parsed.protocol === 'rediss:') options.tls = true;
  for (const [key, value] of parsed.searchParams) {
    switch (key) {
      case 'protocol':
        if (value !== '2' && value !== '3')
          throw new ConfigError(`invalid Redis URL: protocol must be 2 or 3, got '${value}'`);
        options.protocol = value === '2' ? 2 : 3;
        break;
      case 'clientName':
      case 'name':
        options.clientName = value;
        break;
      case 'db':
        if (!/^\d+$/.test(value))
          throw new ConfigError(`invalid Redis URL: db must be a number, got '${value}'`);
        options.db = Number(value);
        break;
      default:
        throw new ConfigError(
          `invalid Redis URL: unknown query option '${key}' (known: protocol, clientName, db)`,
        );
    }
  }
  return options;
}

/** Checks options and applies defaults. Throws `ConfigError` saying what is wrong; never echoes a password. */
export function resolveClientOptions(
  input: string | ClientOptions,
  connectTimeoutMs: number,
  maxPending: number,
): NodeConnectionSettings {
  if (typeof input !== 'string' && (typeof input !== 'object' || input === null)) {
    throw new ConfigError('Client needs a redis:// URL or an options object such as { host, port }');
  }
  const options = typeof input === 'string' ? parseRedisUrl(input) : input;
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 6379;
  if (typeof host !== 'string' || host === '') throw new ConfigError('host must be a non-empty string');
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`port must be an integer from 1 to 65535, got ${String(port)}`);
  }
  const db = options.db ?? 0;
  if (!Number.isInteger(db) || db < 0)
    throw new ConfigError(`db must be a non-negative integer, got ${String(db)}`);
  if (options.protocol !== undefined && options.protocol !== 2 && options.protocol !== 3) {
    throw new ConfigError(`protocol must be 2 or 3, got ${String(options.protocol)}`);
  }
  if (options.password !== undefined && typeof options.password !== 'string') {
    throw new ConfigError('password must be a string');
  }
  checkClientName(options.clientName);
  checkCredentialOptions(options);
  return {
    host,
    port,
    tls: options.tls === true ? {} : options.tls === false ? undefined : options.tls,
    username: options.username,
    password: options.password === undefined ? undefined : new Secret(options.password),
    credentials: options.credentials === undefined ? undefined : new CredentialSource(options.credentials),
    clientName: options.clientName,
    db,
    protocol: options.protocol ?? 3,
    readonly: false,
    connectTimeoutMs,
    maxPending,
  };
}
