import { ConfigError, ConnectionError, TimeoutError } from '../errors.js';
import { Secret } from '../util/secret.js';
import { withTimeout } from '../util/timeout.js';
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
/** Never renew sooner than this after the last fetch. */
const MIN_RENEW_DELAY_MS = 1_000;
/** The longest wait between two renewals that failed (or got an expired or unchanged secret back). */
const MAX_RENEW_DELAY_MS = 30_000;

/**
 * When to renew next, given the latest secret's remaining lifetime (negative once expired) and the renewals that
 * failed in a row: at 80% of the lifetime; after a failure with capped exponential backoff (half of it jittered),
 * within the time left while there is some. A provider that keeps returning an expired secret is asked ever more
 * rarely, up to every 30 s, never every second.
 */
export function renewalDelayMs(
  lifetimeMs: number,
  failures: number,
  random: () => number = Math.random,
): number {
  if (failures === 0) return Math.max(MIN_RENEW_DELAY_MS, lifetimeMs * RENEW_AT_SHARE_OF_LIFETIME);
  const ceiling = renewalDelayCeilingMs(failures);
  const backoff = ceiling / 2 + (random() * ceiling) / 2;
  return Math.round(
    Math.max(MIN_RENEW_DELAY_MS, lifetimeMs > 0 ? Math.min(backoff, lifetimeMs / 2) : backoff),
  );
}

/** The longest wait after `failures` renewals in a row failed: 1 s, 2 s, 4 s... up to 30 s. */
function renewalDelayCeilingMs(failures: number): number {
  return Math.min(MAX_RENEW_DELAY_MS, MIN_RENEW_DELAY_MS * 2 ** Math.min(failures, 16));
}

/** Why a renewed secret is no renewal (it has expired already), or undefined. */
function staleSecret(fresh: Fetched): string | undefined {
  if (fresh.expiresAt !== undefined && fresh.expiresAt <= Date.now())
    return 'a secret that has already expired';
  return undefined;
}

function sameSecret(a: Fetched, b: Fetched): boolean {
  return a.username === b.username && a.password.reveal() === b.password.reveal();
}

/**
 * The `credentials` provider of one client connection (a `ClusterConnection` or a `ConnectionManager`, with their
 * dedicated connections): it fetches the secret for each handshake, knows every connection that logged in with
 * it, and before the secret expires fetches a new one and re-authenticates each of them with AUTH. Traffic goes on
 * meanwhile: AUTH is one more command in each connection's pipeline. If the server refuses the new secret, or the
 * provider fails or returns a secret that has expired, the connections stay logged in as they were, it reports
 * that through `onError`, and it tries again with capped exponential backoff.
 */
export class CredentialSource {
  #latest: Fetched | undefined;
  private fetching: Promise<Fetched> | null = null;
  private generation = 0;
  /** Every open connection that logged in through this source, with the generation it last authenticated with. */
  private readonly connections = new Map<MultiplexedConnection, number>();
  private renewTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  /** Told when a renewal fails (the cluster connection and the connection manager emit it as an `error` event). */
  onError: ((error: Error) => void) | undefined;

  constructor(private readonly provider: CredentialsProvider) {}

  /** `fetch()` for a handshake with `address`, failing with a `TimeoutError` once `timeoutMs` have passed. */
  fetchWithin(timeoutMs: number, address: string): Promise<Fetched> {
    return withTimeout(
      this.fetch(),
      timeoutMs,
      () =>
        new TimeoutError(
          `the credentials provider did not answer within ${timeoutMs} ms (connecting to ${address})`,
          undefined,
          address,
        ),
    );
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
    this.renewTimer = setTimeout(
      () => {
        this.renewTimer = null;
        void this.renew();
      },
      renewalDelayMs(expiresAt - Date.now(), this.failures),
    );
    this.renewTimer.unref();
  }

  private stopRenewing(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
  }

  private async renew(): Promise<void> {
    if (this.connections.size === 0) return;
    const previous = this.#latest;
    try {
      const fresh = await this.fetch();
      const stale = staleSecret(fresh);
      const unchanged = previous !== undefined && sameSecret(fresh, previous);
      const results = await Promise.all(
        [...this.connections].map(([connection, generation]) => {
          if (generation >= fresh.generation) return true;
          if (unchanged && generation === previous.generation) {
            // Logged in with this very secret: AUTH would change nothing.
            this.connections.set(connection, fresh.generation);
            return true;
          }
          return this.authenticate(connection, fresh);
        }),
      );
      if (stale !== undefined) {
        // Asking again at once would get the same answer: back off, and say so.
        this.failures++;
        this.onError?.(
          new ConnectionError(
            `the credentials provider returned ${stale}; the connections stay logged in as they are, and it is asked again in up to ${renewalDelayCeilingMs(this.failures)} ms`,
          ),
        );
      } else {
        this.failures = results.every(Boolean) ? 0 : this.failures + 1;
      }
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
