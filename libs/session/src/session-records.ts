import { type ClusterConnection, ConfigError } from '@keyslot/client';
import { SessionUnreadableError } from './session-unreadable-error.js';

/** What the store needs of the connection: typed reads and writes, and the cluster-wide SCAN iterator. */
export type SessionConnection = Pick<
  ClusterConnection,
  'get' | 'set' | 'unlink' | 'pexpire' | 'scanIterator'
>;

/** Turns a session into the stored text and back. */
export interface SessionSerializer {
  stringify(session: unknown): string;
  parse(text: string): unknown;
}

/** Options of the session stores. */
export interface SessionStoreOptions {
  /** Put before each session id to make its key. Default `'sess:'`. */
  prefix?: string | undefined;
  /** How long a session lives when its cookie has no expiry (a browser-session cookie), in ms. Default one day. */
  ttlMs?: number | undefined;
  /** How sessions are stored. Default JSON. */
  serializer?: SessionSerializer | undefined;
}

/** A session as both frameworks hand it over: its cookie's `expires` is a Date, or its JSON text once restored. */
export interface SessionWithCookie {
  /** The session's cookie: the session expires with it (`ttlMs` when it has no `expires`). */
  cookie?: { expires?: Date | string | null } | undefined;
}

const DAY_MS = 86_400_000;

/**
 * The sessions of one prefix, as promises: the part both stores share. Each session is one string key,
 * `<prefix><session id>`, expiring when its cookie does.
 */
export class SessionRecords {
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly serializer: SessionSerializer;

  constructor(
    private readonly redis: SessionConnection,
    options: SessionStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'sess:';
    this.ttlMs = options.ttlMs ?? DAY_MS;
    this.serializer = options.serializer ?? JSON;
    if (typeof this.prefix !== 'string' || this.prefix === '') {
      throw new ConfigError(
        'session store: prefix must be a non-empty string (length() and clear() scan by it)',
      );
    }
    if (!Number.isInteger(this.ttlMs) || this.ttlMs < 1) {
      throw new ConfigError(`session store: ttlMs must be a whole number of ms >= 1, got ${this.ttlMs}`);
    }
  }

  /** The key of a session. */
  keyOf(sessionId: string): string {
    return this.prefix + sessionId;
  }

  /** The session, or null when there is none (or it expired); a `SessionUnreadableError` when it cannot be parsed. */
  async get(sessionId: string): Promise<unknown> {
    const text = await this.redis.get(this.keyOf(sessionId));
    if (text === null) return null;
    try {
      return this.serializer.parse(text);
    } catch {
      throw new SessionUnreadableError(); // the parser's error quotes the text: a user's session
    }
  }

  /** Stores the session until its cookie expires; a session whose cookie has already expired is deleted. */
  async set(sessionId: string, session: SessionWithCookie): Promise<void> {
    const ttl = this.ttlOf(session);
    if (ttl <= 0) {
      await this.redis.unlink(this.keyOf(sessionId));
      return;
    }
    await this.redis.set(this.keyOf(sessionId), this.serializer.stringify(session), { px: ttl });
  }

  /** Deletes the session. */
  async destroy(sessionId: string): Promise<void> {
    await this.redis.unlink(this.keyOf(sessionId));
  }

  /** Gives an unchanged session the lifetime of its (renewed) cookie, without rewriting it. */
  async touch(sessionId: string, session: SessionWithCookie): Promise<void> {
    const ttl = this.ttlOf(session);
    if (ttl <= 0) await this.redis.unlink(this.keyOf(sessionId));
    else await this.redis.pexpire(this.keyOf(sessionId), ttl);
  }

  /** How many sessions there are, counted with the SCAN iterator over every primary. */
  async length(): Promise<number> {
    let count = 0;
    for await (const _ of this.scan()) count++;
    return count;
  }

  /**
   * Deletes every session of this prefix on every primary: SCAN, then one UNLINK per key, 500 written at a time. A
   * multi-key UNLINK would get TRYAGAIN, until the migration ends, for a slot whose keys are split between the two
   * primaries of a reshard; a single key follows the migration's ASK redirection.
   */
  async clear(): Promise<void> {
    let batch: string[] = [];
    for await (const key of this.scan()) {
      batch.push(key);
      if (batch.length >= 500) {
        await this.unlinkEach(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await this.unlinkEach(batch);
  }

  private async unlinkEach(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.redis.unlink(key)));
  }

  private scan(): AsyncIterableIterator<string> {
    return this.redis.scanIterator({ match: `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}*` });
  }

  /** Ms until the cookie expires; the default TTL for a cookie without expiry. */
  private ttlOf(session: SessionWithCookie): number {
    const expires = session.cookie?.expires;
    if (expires === undefined || expires === null) return this.ttlMs;
    const at = expires instanceof Date ? expires.getTime() : Date.parse(expires);
    return Number.isNaN(at) ? this.ttlMs : at - Date.now();
  }
}
