/**
 * @keyslot/session/express: the session store for `express-session` (and connect). A separate entry point, so
 * that `express-session` stays an optional peer dependency.
 *
 * @packageDocumentation
 * @module @keyslot/session/express
 */

export type { SessionCallback } from '../callbacks.js';
export {
  type SessionConnection,
  SessionRecords,
  type SessionSerializer,
  type SessionStoreOptions,
  type SessionWithCookie,
} from '../session-records.js';
export { SessionUnreadableError } from '../session-unreadable-error.js';
export { KeyslotExpressSessionStore } from './keyslot-express-session-store.js';
