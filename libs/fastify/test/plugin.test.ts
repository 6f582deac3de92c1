import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keyslot, PluginAlreadyRegisteredError } from '../src/index.js';

// One cluster for the whole file: these tests only read and write their own keys, never change the topology.
let cluster: DevCluster;
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
});
afterAll(async () => {
  await cluster?.stop();
});

// Every app a test makes is closed even when the test fails, so no connection outlives its test.
const apps: FastifyInstance[] = [];
function fastify(options?: Parameters<typeof Fastify>[0]): FastifyInstance {
  const app = Fastify(options);
  apps.push(app);
  return app;
}
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** A route pair that stores and reads a value through the shared connection. */
function addKeyRoutes(app: FastifyInstance): void {
  app.put<{ Params: { key: string }; Body: { value: string } }>('/keys/:key', async (req) => {
    await app.redis.set(req.params.key, req.body.value);
    return { stored: req.params.key };
  });
  app.get<{ Params: { key: string } }>('/keys/:key', async (req, reply) => {
    const value = await app.redis.get(req.params.key);
    return value === null ? reply.code(404).send({ missing: req.params.key }) : { value };
  });
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('routes through app.redis', () => {
  it('sets and gets through routes with inject()', async () => {
    const app = fastify();
    await app.register(keyslot, { nodes: cluster.seeds });
    addKeyRoutes(app);
    const put = await app.inject({ method: 'PUT', url: '/keys/inject:a', payload: { value: 'Ada' } });
    expect(put.json()).toEqual({ stored: 'inject:a' });
    expect((await app.inject({ method: 'GET', url: '/keys/inject:a' })).json()).toEqual({ value: 'Ada' });
    expect((await app.inject({ method: 'GET', url: '/keys/inject:none' })).statusCode).toBe(404);
  });

  it('serves many keys, across every slot owner, over HTTP with supertest', async () => {
    const app = fastify();
    await app.register(keyslot, { nodes: cluster.seeds.slice(0, 1) });
    addKeyRoutes(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const keys = Array.from({ length: 30 }, (_, i) => `http:${i}`);
    for (const key of keys) {
      await request(app.server)
        .put(`/keys/${key}`)
        .send({ value: `v-${key}` })
        .expect(200);
    }
    for (const key of keys) {
      await request(app.server)
        .get(`/keys/${key}`)
        .expect(200, { value: `v-${key}` });
    }
    // The keys spread over every primary: the single seed was enough to reach the whole cluster.
    const used = app.redis.topology().nodes.filter((node) => node.role === 'primary' && node.commands > 0);
    expect(used).toHaveLength(3);
  });

  it('with connectOnStart: false, starts at once and serves once the cluster is reached', async () => {
    const app = fastify();
    await app.register(keyslot, { nodes: cluster.seeds, connectOnStart: false });
    addKeyRoutes(app);
    // Commands sent before the topology is known wait for it (up to their deadline).
    await app.inject({ method: 'PUT', url: '/keys/lazy:a', payload: { value: 'later' } });
    expect((await app.inject({ method: 'GET', url: '/keys/lazy:a' })).json()).toEqual({ value: 'later' });
  });
});

describe('registration', () => {
  it('refuses a second registration on the same instance before creating anything', async () => {
    const app = fastify();
    app.register(keyslot, { nodes: cluster.seeds });
    // Seeds the client would refuse with a ConfigError: getting the duplicate error instead proves the
    // check ran before any ClusterClient was created.
    app.register(keyslot, { nodes: ['not an address'] });
    const failure = await app.ready().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(PluginAlreadyRegisteredError);
    expect(failure).toMatchObject({ code: 'ERR_KEYSLOT_FASTIFY_ALREADY_REGISTERED' });
    expect((failure as Error).message).toMatch(/^@keyslot\/fastify is already registered/);
  });

  it('refuses a second registration in a child context, and one over another redis decorator', async () => {
    const nested = fastify();
    nested.register(keyslot, { nodes: cluster.seeds });
    nested.register(async (child) => {
      child.register(keyslot, { nodes: cluster.seeds });
    });
    await expect(nested.ready()).rejects.toThrow(PluginAlreadyRegisteredError);

    const taken = fastify();
    // As @fastify/redis would: its name is not typed as ours, hence the plain string.
    const redisDecorator: string = 'redis';
    taken.decorate(redisDecorator, { status: 'ready' });
    taken.register(keyslot, { nodes: cluster.seeds });
    await expect(taken.ready()).rejects.toThrow(/app\.redis is taken/);
  });

  it('registers the plugin under its name for fastify-plugin dependencies', async () => {
    const app = fastify();
    app.register(keyslot, { nodes: cluster.seeds });
    app.register(fastifyPlugin(async () => {}, { name: 'needs-redis', dependencies: ['@keyslot/fastify'] }));
    await app.ready();
    expect(app.hasPlugin('@keyslot/fastify')).toBe(true);
  });
});

describe('ownership on close', () => {
  it('closes a connection it opened', async () => {
    const app = fastify();
    await app.register(keyslot, { nodes: cluster.seeds });
    const redis = app.redis;
    expect(await redis.set('owned:a', '1')).toBe('OK');
    await app.close();
    expect(redis.isOpen).toBe(false);
  });

  it('closes a connection it opened when a later plugin makes ready() fail', async () => {
    const app = fastify();
    app.register(keyslot, { nodes: cluster.seeds });
    app.register(async () => {
      throw new Error('a later plugin failed');
    });
    await expect(app.ready()).rejects.toThrow('a later plugin failed');
    const redis = app.redis;
    expect(redis.isOpen).toBe(true);
    await app.close();
    expect(redis.isOpen).toBe(false);
  });

  describe('an adopted connection', () => {
    let adopted: ClusterConnection;
    beforeAll(async () => {
      adopted = await new ClusterClient(cluster.seeds).getConnection();
    });
    afterAll(async () => {
      await adopted?.close();
    });

    it('is decorated as it is and left open on close', async () => {
      const app = fastify();
      await app.register(keyslot, { client: adopted });
      addKeyRoutes(app);
      expect(app.redis).toBe(adopted);
      await app.inject({ method: 'PUT', url: '/keys/adopted:a', payload: { value: 'mine' } });
      await app.close();
      expect(adopted.isOpen).toBe(true);
      expect(await adopted.get('adopted:a')).toBe('mine');
    });

    it('is closed on close with closeConnection: true', async () => {
      const handed = await new ClusterClient(cluster.seeds).getConnection();
      try {
        const app = fastify();
        await app.register(keyslot, { client: handed, closeConnection: true });
        expect(await app.redis.ping()).toBe('PONG');
        await app.close();
        expect(handed.isOpen).toBe(false);
      } finally {
        handed.destroy();
      }
    });
  });

  it('closes only after the server stopped accepting and in-flight requests finished', async () => {
    const app = fastify();
    await app.register(keyslot, { nodes: cluster.seeds });
    const entered = deferred();
    const release = deferred();
    app.get('/slow', async () => {
      entered.resolve();
      await release.promise;
      await app.redis.set('drain:a', 'finished');
      return { value: await app.redis.get('drain:a') };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const redis = app.redis;
    const response = request(app.server)
      .get('/slow')
      .then((res) => res);
    await entered.promise;

    const closing = app.close();
    await cluster.waitFor(() => !app.server.listening, {
      timeoutMs: 5_000,
      message: 'the server to stop listening',
    });
    // The server is closed to new connections, yet the connection stays open for the request in flight.
    expect(redis.isOpen).toBe(true);
    release.resolve();
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ value: 'finished' });
    await closing;
    expect(redis.isOpen).toBe(false);
  });
});

describe('health route', () => {
  it('answers 200 up when every slot is served and every primary answers PING', async () => {
    const app = fastify();
    await app.register(keyslot, { nodes: cluster.seeds, healthRoute: '/health/redis' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const res = await request(app.server).get('/health/redis').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.status).toBe('up');
    expect(res.body.coveredSlots).toBe(16_384);
    expect(Object.keys(res.body.primaries).sort()).toEqual(cluster.primaries.map((p) => p.address).sort());
    expect(Object.values(res.body.primaries)).toEqual(['PONG', 'PONG', 'PONG']);
  });

  it('uses an adopted connection too', async () => {
    const handed = await new ClusterClient(cluster.seeds).getConnection();
    try {
      const app = fastify();
      await app.register(keyslot, { client: handed, healthRoute: '/ready/redis' });
      expect((await app.inject({ method: 'GET', url: '/ready/redis' })).json()).toMatchObject({
        status: 'up',
      });
      // Closed behind the plugin's back: the route reports it rather than failing.
      await handed.close();
      const down = await app.inject({ method: 'GET', url: '/ready/redis' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ status: 'down', reason: 'the cluster connection is closed' });
    } finally {
      handed.destroy();
    }
  });
});
