import type { FastifySessionOptions } from '@fastify/session';
import type { ClusterConnection } from '@keyslot/client';
import { KeyslotSessionStore } from '@keyslot/session';

declare module 'fastify' {
  interface Session {
    /** When the admin signed in (ISO time); set only in a signed-in session. */
    adminSince?: string;
  }
}

/** Where both servers keep their sessions. */
export const SESSION_PREFIX = 'demo:sess:';

/**
 * `@fastify/session` options for the admin page, kept on the shared connection. The cookie is scoped to `/admin`,
 * so no other route reads a session at all.
 */
export function sessionOptions(redis: ClusterConnection, secret: string): FastifySessionOptions {
  return {
    secret,
    store: new KeyslotSessionStore(redis, { prefix: SESSION_PREFIX }),
    cookieName: 'demo_session',
    cookie: { path: '/admin', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 60 * 60_000 },
    saveUninitialized: false,
  };
}
