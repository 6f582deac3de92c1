import { ConfigError, ConnectionError, TimeoutError } from '../errors.js';
import { backoffDelay } from '../util/backoff.js';
import { Secret } from '../util/secret.js';
import type { MultiplexedConnection } from './multiplexed-connection.js';

/** What a credentials provider returns: the secret to log in with now, and when it stops being valid. */
export interface Credentials {
  /** ACL user name; omit for the default user. */
  username?: string | undefined;
  password: string;
  /**
   * When the secret expires (ms since the epoch, or a Date). Before then, keyslot asks the provider again and
   * re-authenticates every open connection with what it returns (AUTH), without closing any.
   */
  expiresAt?: number | Date | undefined;
}

/**
 * Called for every new connection's handshake (concurrent handshakes share one call), and before the secret it
 * returned last expires. For short-lived tokens (cloud IAM) and rotated passwords.
 */
export type CredentialsProvider = () => Promise<Credentials> | Credentials;

/** `credentials` is a function, and comes alone: a fixed username or password beside it would be ambiguous. */
export function checkCredentialOptions(options: {
  username?: string | undefined;
  password?: string | undefined;
  credentials?: CredentialsProvider | undefined;
}): void {
  if (options.credentials !== undefined) {
    if (typeof options.credentials !== 'function') {
      throw new ConfigError(
        'credentials must be a function returning { password, username?, expiresAt? } (or a promise of it)',
      );
    }
    if (options.password !== undefined || options.username !== undefined) {
      throw new ConfigError(
        'give either credentials (a provider) or username/password, not both: the provider returns the username too',
      );
    }
  }
  if (options.username !== undefined && options.password === undefined) {
    throw new ConfigError(`username '${options.username}' was given without a password`);
  }
}

/** Credentials as checked, with the generation that tells newer from older. */
export interface Fetched {
  username: string | undefined;
  /** Wrapped, so that no inspection of the connection prints it. */
  password: Secret;
  expiresAt: number | undefined;
  generation: number;
}

/** The first renewal comes once this share of the secret's remaining lifetime has passed. */
const RENEW_AT_SHARE_OF_LIFETIME = 0.8;
/** Never renew sooner than this after the last fetch (a provider that returns an expired secret is not hammered). */
const MIN_RENEW_DELAY_MS = 1_000;

/**
 * The `credentials` provider of one client connection (a `ClusterConnection` or a `ConnectionManager`, with their
 * dedicated connections): it fetches the secret for each handshake, knows every connection that logged in with
 * it, and before the secret expires fetches a new one and re-authenticates each of them with AUTH. Traffic goes on
 * meanwhile: AUTH is one more command in each connection's pipeline. If the server refuses the new secret, or the
 * provider fails, the connections stay logged in as they were and it tries again with backoff.
 */
export class CredentialSource {
  #latest: Fetched | undefined;
  private fetching: Promise<Fetched> | null = null;
  private generation = 0;
  /** Every open connection that logged in through this source, with the generation it last authenticated with. */
  private readonly connections = new Map<MultiplexedConnection, number>();
  private renewTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  /** Told when a renewal fails (the cluster connection emits it as an `error` event). */
  onError: ((error: Error) => void) | undefined;

  constructor(private readonly provider: CredentialsProvider) {}

  /** `fetch()` for a handshake with `address`, failing with a `TimeoutError` once `timeoutMs` have passed. */
  fetchWithin(timeoutMs: number, address: string): Promise<Fetched> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TimeoutError(
              `the credentials provider did not answer within ${timeoutMs} ms (connecting to ${address})`,
              undefined,
              address,
            ),
          ),
        timeoutMs,
      );
    });
    return Promise.race([this.fetch(), late]).finally(() => clearTimeout(timer));
  }

  /** Asks the provider for the secret to use now (one call for every handshake that starts while it runs). */
  fetch(): Promise<Fetched> {
    if (this.fetching) return this.fetching;
    const fetching = this.callProvider().finally(() => {
      if (this.fetching === fetching) this.fetching = null;
    });
    this.fetching = fetching;
    return fetching;
  }

  /** A connection finished its handshake with `used`: it is re-authenticated from now on, and at once if stale. */
  track(connection: MultiplexedConnection, used: Fetched): void {
    if (!connection.isOpen) return;
    this.connections.set(connection, used.generation);
    connection.onClose(() => {
      this.connections.delete(connection);
      if (this.connections.size === 0) this.stopRenewing();
    });
    const latest = this.#latest;
    if (latest !== undefined && latest.generation > used.generation)
      void this.authenticate(connection, latest);
    this.scheduleRenewal();
  }

  /** Connections logged in through this source and open now. */
  get connectionCount(): number {
    return this.connections.size;
  }

  private async callProvider(): Promise<Fetched> {
    let credentials: Credentials;
    try {
      credentials = await this.provider();
    } catch (error) {
      // The provider's own error stays in `cause`: its message is the application's, and may say too much.
      throw new ConnectionError('the credentials provider failed (see cause)', undefined, { cause: error });
    }
    const fetched = this.check(credentials);
    this.#latest = fetched;
    return fetched;
  }

  private check(credentials: Credentials): Fetched {
    if (typeof credentials !== 'object' || credentials === null || typeof credentials.password !== 'string') {
      throw new ConfigError('the credentials provider must return { password, username?, expiresAt? }');
    }
    if (credentials.username !== undefined && typeof credentials.username !== 'string') {
      throw new ConfigError('the credentials provider returned a username that is not a string');
    }
    const expiry = credentials.expiresAt;
    const expiresAt = expiry instanceof Date ? expiry.getTime() : expiry;
    if (expiresAt !== undefined && !Number.isFinite(expiresAt)) {
      throw new ConfigError(
        'the credentials provider returned an expiresAt that is not a time (ms since the epoch, or a Date)',
      );
    }
    return {
      username: credentials.username,
      password: new Secret(credentials.password),
      expiresAt,
      generation: ++this.generation,
    };
  }

  /** Plans the next renewal from the latest secret's expiry; none without an expiry or without connections. */
  private scheduleRenewal(): void {
    const expiresAt = this.#latest?.expiresAt;
    if (this.renewTimer || expiresAt === undefined || this.connections.size === 0) return;
    const lifetime = expiresAt - Date.now();
    // After a failure, try again with backoff, but within the time left.
    const wanted =
      this.failures > 0
        ? Math.min(backoffDelay(this.failures, { baseMs: MIN_RENEW_DELAY_MS, maxMs: 30_000 }), lifetime / 2)
        : lifetime * RENEW_AT_SHARE_OF_LIFETIME;
    const delay = Math.max(MIN_RENEW_DELAY_MS, wanted);
    this.renewTimer = setTimeout(() => {
      this.renewTimer = null;
      void this.renew();
    }, delay);
    this.renewTimer.unref();
  }

  private stopRenewing(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
  }

  private async renew(): Promise<void> {
    if (this.connections.size === 0) return;
    try {
      const fresh = await this.fetch();
      const results = await Promise.all(
        [...this.connections].map(([connection, generation]) =>
          generation >= fresh.generation ? true : this.authenticate(connection, fresh),
        ),
      );
      this.failures = results.every(Boolean) ? 0 : this.failures + 1;
    } catch (error) {
      this.failures++;
      this.onError?.(error as Error);
    }
    this.scheduleRenewal();
  }

  /** AUTH on one open connection; resolves false (and reports why) when it failed. */
  private async authenticate(connection: MultiplexedConnection, fresh: Fetched): Promise<boolean> {
    const password = fresh.password.reveal();
    const args = fresh.username === undefined ? [password] : [fresh.username, password];
    try {
      await connection.execHere({ name: 'AUTH', args }, connection.commandTimeoutMs);
      if (this.connections.has(connection)) {
        this.connections.set(connection, Math.max(this.connections.get(connection)!, fresh.generation));
      }
      return true;
    } catch (error) {
      if (!connection.isOpen) return true; // gone: its replacement logs in with the fresh secret
      this.onError?.(
        new ConnectionError(
          `re-authenticating the connection to ${connection.address} failed: ${(error as Error).message}; it stays logged in with the previous secret`,
          connection.address,
          { cause: error },
        ),
      );
      return false;
    }
  }
}
