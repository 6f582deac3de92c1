import { createHash, timingSafeEqual } from 'node:crypto';
import type { ClusterConnection } from '@keyslot/client';
import { ValidationError } from '../links/validation.js';
import type { HttpResult } from './demo-api.js';

/** What the admin routes use of a request's session (`@fastify/session`'s, in both servers). */
export interface AdminSession {
  get(key: 'adminSince'): unknown;
  set(key: 'adminSince', value: string): void;
  regenerate(): Promise<void>;
  destroy(): Promise<void>;
}

/** A request with its session; `regenerate()` replaces `session`, so it is read again after that. */
export interface WithSession {
  session: AdminSession;
}

/** The admin page: sign in with the admin password, then a page of the cluster's state; the sign-in is a session. */
export class AdminPages {
  private readonly passwordHash: Buffer;

  constructor(
    private readonly redis: ClusterConnection,
    password: string,
  ) {
    this.passwordHash = sha256(password);
  }

  /** POST /admin/login `{ password }`: a new session that is signed in, or 401. */
  async login(request: WithSession, body: unknown): Promise<HttpResult> {
    const password = (body as { password?: unknown } | null)?.password;
    if (typeof password !== 'string' || password.length === 0 || password.length > 256) {
      throw new ValidationError('password', 'password must be a string of 1 to 256 characters');
    }
    if (!timingSafeEqual(sha256(password), this.passwordHash)) {
      return { status: 401, body: { error: 'unauthorized', message: 'wrong password' } };
    }
    // A new session id at sign-in, so an id planted before it is worth nothing.
    await request.session.regenerate();
    const since = new Date().toISOString();
    request.session.set('adminSince', since);
    return { status: 200, body: { signedIn: true, since } };
  }

  /** GET /admin: the page when signed in, else 401 with a sign-in form. */
  page(request: WithSession): HttpResult {
    const since = request.session.get('adminSince');
    const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
    if (typeof since !== 'string') return { status: 401, headers, body: SIGN_IN_PAGE };
    const { nodes, coveredSlots } = this.redis.topology();
    const stats = this.redis.stats();
    const rows = nodes
      .map(
        (node) =>
          `<tr><td>${node.address}</td><td>${node.role}</td><td>${node.health}</td><td>${node.connected ? 'open' : node.lastError ? 'failed' : 'not needed yet'}</td></tr>`,
      )
      .join('');
    return {
      status: 200,
      headers,
      body: page(
        'keyslot demo: admin',
        `<p>Signed in since ${since}.</p>
<p>${coveredSlots} of 16384 slots served; ${stats.commands} commands, ${stats.redirects} redirects, ${stats.reconnects} reconnects.</p>
<table><tr><th>node</th><th>role</th><th>health</th><th>connection</th></tr>${rows}</table>
<button onclick="fetch('/admin/logout',{method:'POST'}).then(()=>location.reload())">sign out</button>`,
      ),
    };
  }

  /** POST /admin/logout: ends the session (its key is deleted). */
  async logout(request: WithSession): Promise<HttpResult> {
    await request.session.destroy();
    return { status: 200, body: { signedIn: false } };
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function page(title: string, content: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${content}</body></html>`;
}

const SIGN_IN_PAGE = page(
  'keyslot demo: sign in',
  `<form onsubmit="event.preventDefault();fetch('/admin/login',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({password:this.password.value})}).then(()=>location.reload())">
<input type="password" name="password" placeholder="admin password" autofocus> <button>sign in</button></form>`,
);
