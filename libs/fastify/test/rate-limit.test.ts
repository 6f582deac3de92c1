// @keyslot/fastify/rate-limit through the real @fastify/rate-limit plugin, on the connection @keyslot/fastify
// decorates, against a real cluster: counters on the primary that owns them, one script call per request, a child
// store per route, and the plugin's continueExceeding, exponentialBackoff and `increment: false`.

import rateLimit from '@fastify/rate-limit';
import { type DevCluster, type DevClusterNode, primaryOfKey, startCluster } from '@keyslot/dev-cluster';
import { keyslot } from '@keyslot/fastify';
import { keyslotRateLimitStore } from '@keyslot/fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let cluster: DevCluster;
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
});
afterAll(async () => {
  await cluster?.stop();
});

const ownerOf = (key: string) => primaryOfKey(cluster, key);

async function evalshaCalls(node: DevClusterNode): Promise<number> {
  const info = String(await cluster.admin(node, 'INFO', 'commandstats'));
  return Number(/^cmdstat_evalsha:calls=(\d+)/m.exec(info)?.[1] ?? 0);
}

/** A Fastify app on the cluster whose rate limits are kept by the store, keyed by the `x-client` header. */
async function buildApp(
  prefix: string,
  options: Parameters<typeof rateLimit>[1] = {},
): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(keyslot, { nodes: cluster.seeds });
  await app.register(rateLimit, {
    max: 3,
    timeWindow: 10_000,
    keyGenerator: (request) => String(request.headers['x-client']),
    store: keyslotRateLimitStore(app.redis, { prefix }),
    ...options,
  });
  app.get('/global', async () => ({ ok: true }));
  app.get('/own', { config: { rateLimit: { max: 1, timeWindow: 60_000 } } }, async () => ({ ok: true }));
  // The global limit as it stands for the caller, read with `increment: false` (the route itself is not limited).
  const peek = app.createRateLimit();
  app.get('/peek', { config: { rateLimit: false } }, (request) => peek(request, { increment: false }));
  await app.ready();
  return app;
}

describe('keyslotRateLimitStore through @fastify/rate-limit', () => {
  let app: FastifyInstance;
  const prefix = `rl-${process.pid}:`;
  beforeAll(async () => {
    app = await buildApp(prefix);
  });
  afterAll(async () => {
    await app?.close();
  });
  const get = (url: string, client: string) =>
    app.inject({ method: 'GET', url, headers: { 'x-client': client } });

  it('counts each request with one EVALSHA on the primary owning the client counter; 429 past the maximum', async () => {
    const key = `${prefix}alice`;
    const owner = await ownerOf(key);
    const before = await Promise.all(cluster.primaries.map(evalshaCalls));
    for (let i = 1; i <= 3; i++) {
      const reply = await get('/global', 'alice');
      expect(reply.statusCode).toBe(200);
      expect(reply.headers['x-ratelimit-limit']).toBe('3');
      expect(reply.headers['x-ratelimit-remaining']).toBe(String(3 - i));
      expect(reply.headers['x-ratelimit-reset']).toBe('10');
    }
    const refused = await get('/global', 'alice');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await cluster.admin(owner, 'GET', key)).toBe('4');
    const pttl = Number(await cluster.admin(owner, 'PTTL', key));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(10_000);

    const after = await Promise.all(cluster.primaries.map(evalshaCalls));
    cluster.primaries.forEach((node, index) => {
      expect(after[index]! - before[index]!).toBe(node === owner ? 4 : 0);
    });
    // Another client has its own counter.
    expect((await get('/global', 'bob')).statusCode).toBe(200);
  });

  it("keeps a route with its own config.rateLimit in a child store with the route's own counters", async () => {
    expect((await get('/own', 'carol')).statusCode).toBe(200);
    expect((await get('/own', 'carol')).statusCode).toBe(429);
    // The global counter of the same client is untouched by the route's.
    const global = await get('/global', 'carol');
    expect(global.statusCode).toBe(200);
    expect(global.headers['x-ratelimit-remaining']).toBe('2');
    const routeKey = `${prefix}GET /own:carol`;
    expect(await cluster.admin(await ownerOf(routeKey), 'GET', routeKey)).toBe('2');
    expect(Number(await cluster.admin(await ownerOf(routeKey), 'PTTL', routeKey))).toBeGreaterThan(50_000);
  });

  it('reads a counter without counting when the plugin asks with increment: false', async () => {
    await get('/global', 'dave');
    const peek = (await get('/peek', 'dave')).json();
    const again = (await get('/peek', 'dave')).json();
    expect(peek).toMatchObject({ isAllowed: false, remaining: 2, isExceeded: false });
    expect(again).toMatchObject({ remaining: 2 });
    expect(await cluster.admin(await ownerOf(`${prefix}dave`), 'GET', `${prefix}dave`)).toBe('1');
  });
});

describe('keyslotRateLimitStore window modes', () => {
  it('starts the window again on every exceeding request with continueExceeding', async () => {
    const prefix = `rl-ce-${process.pid}:`;
    const app = await buildApp(prefix, { max: 1, timeWindow: 60_000, continueExceeding: true });
    try {
      const key = `${prefix}erin`;
      const owner = await ownerOf(key);
      await app.inject({ url: '/global', headers: { 'x-client': 'erin' } });
      await cluster.admin(owner, 'PEXPIRE', key, 5000); // as if most of the window had passed
      const refused = await app.inject({ url: '/global', headers: { 'x-client': 'erin' } });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('60');
      expect(Number(await cluster.admin(owner, 'PTTL', key))).toBeGreaterThan(50_000);
    } finally {
      await app.close();
    }
  });

  it('doubles the window on every further exceeding request with exponentialBackoff', async () => {
    const prefix = `rl-eb-${process.pid}:`;
    const app = await buildApp(prefix, { max: 1, timeWindow: 1000, exponentialBackoff: true });
    try {
      const retryAfter: string[] = [];
      for (let i = 0; i < 4; i++) {
        const reply = await app.inject({ url: '/global', headers: { 'x-client': 'frank' } });
        retryAfter.push(reply.statusCode === 429 ? String(reply.headers['retry-after']) : 'ok');
      }
      expect(retryAfter).toEqual(['ok', '1', '2', '4']);
    } finally {
      await app.close();
    }
  });
});

describe('keyslotRateLimitStore limiters made with their own options', () => {
  it('keeps the counters of each fastify.rateLimit(options) limiter apart, as the plugin’s local store does', async () => {
    const prefix = `rl-own-${process.pid}:`;
    const app = Fastify();
    await app.register(keyslot, { nodes: cluster.seeds });
    await app.register(rateLimit, {
      global: false,
      keyGenerator: (request) => String(request.headers['x-client']),
      store: keyslotRateLimitStore(app.redis, { prefix }),
    });
    app.get('/login', { onRequest: app.rateLimit({ max: 1, timeWindow: 60_000 }) }, async () => ({
      ok: true,
    }));
    app.get('/search', { onRequest: app.rateLimit({ max: 5, timeWindow: 60_000 }) }, async () => ({
      ok: true,
    }));
    await app.ready();
    try {
      const get = (url: string) => app.inject({ url, headers: { 'x-client': 'gina' } });
      expect((await get('/login')).statusCode).toBe(200);
      expect((await get('/login')).statusCode).toBe(429);
      // The other limiter has its own counter: the client's two logins are not searches.
      const search = await get('/search');
      expect(search.statusCode).toBe(200);
      expect(search.headers['x-ratelimit-remaining']).toBe('4');
      // Limiters have no route: each is numbered in the order it was made, the same in every app instance.
      const loginKey = `${prefix}limiter#1:gina`;
      expect(await cluster.admin(await ownerOf(loginKey), 'GET', loginKey)).toBe('2');
    } finally {
      await app.close();
    }
  });
});
