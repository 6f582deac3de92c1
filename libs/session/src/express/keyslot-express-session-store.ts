import session, { type SessionData } from 'express-session';
import { type SessionCallback, settle } from '../callbacks.js';
import { type SessionConnection, SessionRecords, type SessionStoreOptions } from '../session-records.js';

/**
 * The session store for `express-session` (and connect) on the application's shared `ClusterConnection`. It
 * extends express-session's own `Store`, whose `regenerate`, `load` and `createSession` the middleware relies on,
 * and keeps the sessions exactly as `KeyslotSessionStore` does (same keys, same TTL from the cookie), so the two
 * can share sessions.
 *
 * ```ts
 * app.use(session({ secret, resave: false, saveUninitialized: false, store: new KeyslotExpressSessionStore(redis) }));
 * ```
 */
export class KeyslotExpressSessionStore extends session.Store {
  /** The sessions, as promises. */
  readonly records: SessionRecords;

  constructor(redis: SessionConnection, options?: SessionStoreOptions) {
    super();
    this.records = new SessionRecords(redis, options);
  }

  /** The stored session, or null. */
  get(sessionId: string, callback: (error: unknown, session?: SessionData | null) => void): void {
    settle(this.records.get(sessionId) as Promise<SessionData | null>, callback);
  }

  /** Stores the session until its cookie expires (deletes it when the cookie already has). */
  set(sessionId: string, data: SessionData, callback?: SessionCallback): void {
    settle(this.records.set(sessionId, data), callback);
  }

  /** Deletes the session. */
  destroy(sessionId: string, callback?: SessionCallback): void {
    settle(this.records.destroy(sessionId), callback);
  }

  /** Renews the session's lifetime to its cookie's, without rewriting it. */
  override touch(sessionId: string, data: SessionData, callback?: SessionCallback): void {
    settle(this.records.touch(sessionId, data), callback);
  }

  /** How many sessions of this prefix there are, on every primary. */
  override length(callback: (error: unknown, length?: number) => void): void {
    settle(this.records.length(), callback);
  }

  /** Deletes every session of this prefix, on every primary. */
  override clear(callback?: SessionCallback): void {
    settle(this.records.clear(), callback);
  }
}
