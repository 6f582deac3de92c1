// The session stores through the real @fastify/session 11 plugin (with @keyslot/fastify's connection) and the real
// express-session middleware in an Express 5 app, against a real cluster: one key per session with the cookie's
// lifetime, sessions shared between application instances, destroy, touch, regenerate, length and clear.

import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import {
  type DevCluster,
  type DevClusterNode,
  keysStartingWith,
  primaryOfKey,
  startCluster,
} from '@keyslot/dev-cluster';
import { keyslot } from '@keyslot/fastify';
import { KeyslotSessionStore } from '@keyslot/session';
import { KeyslotExpressSessionStore } from '@keyslot/session/express';
import express from 'express';
import session from 'express-session';
import Fastify, { type FastifyInstance } from 'fastify';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

declare module 'fastify' {
  interface Session {
    user?: string;
  }
}
declare module 'express-session' {
  interface SessionData {
    user?: string;
  }
}

const SECRET = 'a secret of at least thirty-two characters!';

let cluster: DevCluster;
let redis: ClusterConnection;
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
  redis = await new ClusterClient(cluster.seeds).getConnection();
});
afterAll(async () => {
  await redis?.close();
  await cluster?.stop();
});

const ownerOf = (key: string) => primaryOfKey(cluster, key);
const keysOnServers = (prefix: string) => keysStartingWith(cluster, prefix);

async function onlyKey(prefix: string): Promise<{ key: string; owner: DevClusterNode }> {
  const keys = await keysOnServers(prefix);
  expect(keys).toHaveLength(1);
  return { key: keys[0]!, owner: await ownerOf(keys[0]!) };
}

describe('KeyslotSessionStore through @fastify/session', () => {
  const prefix = `sess-${process.pid}-fastify:`;

  async function buildApp(maxAge: number | undefined, ttlMs?: number): Promise<FastifyInstance> {
    const app = Fastify();
    await app.register(keyslot, { nodes: cluster.seeds });
    await app.register(fastifyCookie);
    await app.register(fastifySession, {
      secret: SECRET,
      store: new KeyslotSessionStore(app.redis, { prefix, ttlMs }),
      cookie: { secure: false, maxAge },
      saveUninitialized: false,
    });
    app.post<{ Body: { user: string } }>('/login', async (req) => {
      req.session.user = req.body.user;
      return { ok: true };
    });
    app.get('/me', async (req, reply) =>
      req.session.user ? { user: req.session.user } : reply.code(401).send(),
    );
    app.post('/logout', async (req) => {
      await req.session.destroy();
      return { ok: true };
    });
    await app.ready();
    return app;
  }

  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp(60_000);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('keeps a session in one key that expires with its cookie, readable by another instance, until logout', async () => {
    const login = await app.inject({ method: 'POST', url: '/login', payload: { user: 'ada' } });
    const cookie = login.cookies.find((c) => c.name === 'sessionId')!;
    expect(cookie).toBeDefined();
    const { key, owner } = await onlyKey(prefix);
    expect(JSON.parse(String(await cluster.admin(owner, 'GET', key)))).toMatchObject({ user: 'ada' });
    const pttl = Number(await cluster.admin(owner, 'PTTL', key));
    expect(pttl).toBeGreaterThan(50_000);
    expect(pttl).toBeLessThanOrEqual(60_000);

    // A second application instance (its own connection) finds the session in the cluster.
    const other = await buildApp(60_000);
    try {
      const me = await other.inject({ url: '/me', cookies: { sessionId: cookie.value } });
      expect(me.json()).toEqual({ user: 'ada' });
    } finally {
      await other.close();
    }

    await app.inject({ method: 'POST', url: '/logout', cookies: { sessionId: cookie.value } });
    expect(await keysOnServers(prefix)).toEqual([]);
    expect((await app.inject({ url: '/me', cookies: { sessionId: cookie.value } })).statusCode).toBe(401);
  });

  it('gives a session whose cookie has no expiry the default lifetime', async () => {
    const shortPrefix = `${prefix}browser:`;
    const browserApp = Fastify();
    await browserApp.register(keyslot, { client: redis });
    await browserApp.register(fastifyCookie);
    await browserApp.register(fastifySession, {
      secret: SECRET,
      store: new KeyslotSessionStore(browserApp.redis, { prefix: shortPrefix, ttlMs: 5000 }),
      cookie: { secure: false },
      saveUninitialized: false,
    });
    browserApp.post('/login', async (req) => {
      req.session.user = 'grace';
      return { ok: true };
    });
    try {
      await browserApp.inject({ method: 'POST', url: '/login' });
      const { key, owner } = await onlyKey(shortPrefix);
      const pttl = Number(await cluster.admin(owner, 'PTTL', key));
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(5000);
    } finally {
      await browserApp.close();
    }
  });
});

describe('KeyslotExpressSessionStore through express-session', () => {
  const prefix = `sess-${process.pid}-express:`;
  const store = () => new KeyslotExpressSessionStore(redis, { prefix });

  function buildApp(sessions: KeyslotExpressSessionStore): express.Express {
    const app = express();
    app.use(express.json());
    app.use(
      session({
        secret: SECRET,
        store: sessions,
        resave: false,
        saveUninitialized: false,
        cookie: { maxAge: 60_000 },
      }),
    );
    app.post('/login', (req, res, next) => {
      // Best practice: a new session id at login, which express-session does through the store's regenerate().
      req.session.regenerate((error) => {
        if (error) return next(error);
        req.session.user = req.body.user;
        res.json({ ok: true });
      });
    });
    app.get('/me', (req, res) => {
      if (req.session.user) res.json({ user: req.session.user });
      else res.status(401).end();
    });
    app.post('/logout', (req, res, next) => {
      req.session.destroy((error) => (error ? next(error) : res.json({ ok: true })));
    });
    return app;
  }

  it('logs in with a regenerated session, touches it on each request, and destroys it at logout', async () => {
    const sessions = store();
    const agent = request.agent(buildApp(sessions));
    const login = await agent.post('/login').send({ user: 'ada' }).expect(200);
    const cookie = String(login.headers['set-cookie']?.[0]).split(';')[0]!;
    const { key, owner } = await onlyKey(prefix);
    // express-session derives originalMaxAge from the cookie's expiry and the clock: a few ms short of 60 s is right.
    expect(JSON.parse(String(await cluster.admin(owner, 'GET', key)))).toMatchObject({
      user: 'ada',
      cookie: { originalMaxAge: expect.closeTo(60_000, -3) },
    });

    // An unchanged session is not rewritten but touched: its key gets the renewed cookie's lifetime back.
    await cluster.admin(owner, 'PEXPIRE', key, 10_000);
    await agent.get('/me').expect(200, { user: 'ada' });
    expect(Number(await cluster.admin(owner, 'PTTL', key))).toBeGreaterThan(50_000);

    // Another application instance with its own store object reads the same session.
    await request(buildApp(store())).get('/me').set('cookie', cookie).expect(200, { user: 'ada' });

    await agent.post('/logout').expect(200);
    expect(await keysOnServers(prefix)).toEqual([]);
    await agent.get('/me').expect(401);
  });

  it('counts and clears its sessions across every primary, leaving other keys alone', async () => {
    const sessions = store();
    const app = buildApp(sessions);
    for (let i = 0; i < 9; i++) {
      await request(app)
        .post('/login')
        .send({ user: `u${i}` })
        .expect(200);
    }
    const owners = new Set(
      await Promise.all((await keysOnServers(prefix)).map(async (key) => (await ownerOf(key)).port)),
    );
    expect(owners.size).toBeGreaterThan(1);
    await redis.set(`${prefix.slice(0, -1)}-other`, 'kept');
    const length = await new Promise((resolve, reject) =>
      sessions.length((error, n) => (error ? reject(error) : resolve(n))),
    );
    expect(length).toBe(9);
    await new Promise<void>((resolve, reject) =>
      sessions.clear((error) => (error ? reject(error) : resolve())),
    );
    expect(await keysOnServers(prefix)).toEqual([]);
    expect(await redis.get(`${prefix.slice(0, -1)}-other`)).toBe('kept');
  });

  it('fails a request whose stored session cannot be parsed with a coded error that leaves the session text out', async () => {
    const app = buildApp(store());
    const errors: unknown[] = [];
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(error);
      res.status(500).end();
    });
    const login = await request(app).post('/login').send({ user: 'ada' }).expect(200);
    const cookie = String(login.headers['set-cookie']?.[0]).split(';')[0]!;
    const { key, owner } = await onlyKey(prefix);
    await cluster.admin(owner, 'SET', key, 'pin=4711'); // not JSON: written by something else

    await request(app).get('/me').set('cookie', cookie).expect(500);
    expect(errors).toHaveLength(1);
    const error = errors[0] as Error & { code?: string };
    expect(error.code).toBe('ERR_KEYSLOT_SESSION_UNREADABLE');
    expect(`${error.message} ${String(error.stack)} ${String(error.cause)}`).not.toContain('4711');
    await cluster.admin(owner, 'DEL', key);
  });

  it('clears the sessions of a slot whose keys are split between the two primaries of a migration', async () => {
    const migrating = `sess-${process.pid}-migrating:`;
    const sessions = new KeyslotExpressSessionStore(redis, { prefix: migrating });
    const ids = Array.from({ length: 8 }, (_, i) => `{tag}${i}`); // one slot
    for (const id of ids) await sessions.records.set(id, { cookie: { expires: null } });
    const first = sessions.records.keyOf(ids[0]!);
    const slot = Number(await cluster.admin(cluster.primaries[0]!, 'CLUSTER', 'KEYSLOT', first));
    const source = await ownerOf(first);
    const target = cluster.primaries.find((node) => node.port !== source.port)!;
    // A reshard under way (or stopped half-way): three of the slot's sessions already moved to the target.
    await cluster.admin(target, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id);
    await cluster.admin(source, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id);
    const moved = ids.slice(0, 3).map((id) => sessions.records.keyOf(id));
    await cluster.admin(source, 'MIGRATE', '127.0.0.1', target.port, '', 0, 5000, 'KEYS', ...moved);
    try {
      await new Promise<void>((resolve, reject) =>
        sessions.clear((error) => (error ? reject(error) : resolve())),
      );
      expect(await keysOnServers(migrating)).toEqual([]);
    } finally {
      for (const node of [source, target]) await cluster.admin(node, 'CLUSTER', 'SETSLOT', slot, 'STABLE');
    }
  });

  it('refuses an empty prefix and a bad default lifetime with typed errors', () => {
    expect(() => new KeyslotExpressSessionStore(redis, { prefix: '' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSLOT_CONFIG' }),
    );
    expect(() => new KeyslotExpressSessionStore(redis, { ttlMs: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSLOT_CONFIG' }),
    );
  });
});
