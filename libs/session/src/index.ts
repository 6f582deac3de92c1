/**
 * @keyslot/session: a session store on the shared keyslot `ClusterConnection`, for `@fastify/session` (and, from
 * `@keyslot/session/express`, for `express-session`).
 *
 * @packageDocumentation
 * @module @keyslot/session
 */
export type { SessionCallback } from './callbacks.js';
export { KeyslotSessionStore } from './keyslot-session-store.js';
export {
  type SessionConnection,
  SessionRecords,
  type SessionSerializer,
  type SessionStoreOptions,
  type SessionWithCookie,
} from './session-records.js';
export { SessionUnreadableError } from './session-unreadable-error.js';
