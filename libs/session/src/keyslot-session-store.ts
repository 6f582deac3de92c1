import { EventEmitter } from 'node:events';
import { type SessionCallback, settle } from './callbacks.js';
import { type SessionConnection, SessionRecords, type SessionStoreOptions } from './session-records.js';

/**
 * A session store on the application's shared `ClusterConnection`, with the callback methods express-style
 * middlewares call (`get`, `set`, `destroy`, `touch`, `length`, `clear`): pass it as `@fastify/session`'s `store`.
 * For `express-session` (and connect), use `KeyslotExpressSessionStore` from `@keyslot/session/express`, which adds
 * the methods express-session takes from its own `Store` class.
 *
 * ```ts
 * await app.register(fastifySession, { secret, store: new KeyslotSessionStore(app.redis) });
 * ```
 *
 * Each session is one string key, `sess:<session id>`, that expires when the session's cookie does.
 */
export class KeyslotSessionStore extends EventEmitter {
  /** The sessions, as promises. */
  readonly records: SessionRecords;

  constructor(redis: SessionConnection, options?: SessionStoreOptions) {
    super();
    this.records = new SessionRecords(redis, options);
  }

  /** The stored session, or null; `Session` is whatever shape the middleware stores. */
  get<Session = unknown>(
    sessionId: string,
    callback: (error: unknown, session?: Session | null) => void,
  ): void {
    settle(this.records.get(sessionId) as Promise<Session | null>, callback);
  }

  /** Stores the session until its cookie expires (deletes it when the cookie already has). */
  set(sessionId: string, session: object, callback?: SessionCallback): void {
    settle(this.records.set(sessionId, session), callback);
  }

  /** Deletes the session. */
  destroy(sessionId: string, callback?: SessionCallback): void {
    settle(this.records.destroy(sessionId), callback);
  }

  /** Renews the session's lifetime to its cookie's, without rewriting it. */
  touch(sessionId: string, session: object, callback?: SessionCallback): void {
    settle(this.records.touch(sessionId, session), callback);
  }

  /** How many sessions of this prefix there are, on every primary. */
  length(callback: (error: unknown, length?: number) => void): void {
    settle(this.records.length(), callback);
  }

  /** Deletes every session of this prefix, on every primary. */
  clear(callback?: SessionCallback): void {
    settle(this.records.clear(), callback);
  }
}
