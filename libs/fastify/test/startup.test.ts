import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { keyslot } from '../src/index.js';
import { refusedPort, silentServer } from './net-helpers.js';

// Start-up without a reachable cluster: no dev cluster is needed, only ports that refuse or never answer.
describe('connecting during registration', () => {
  it("fails ready() with the client's error naming the seed when nothing listens", async () => {
    const seed = `127.0.0.1:${await refusedPort()}`;
    const app = Fastify();
    app.register(keyslot, { nodes: [seed], connection: { connectTimeoutMs: 1_000 } });
    try {
      const failure = await app.ready().then(
        () => undefined,
        (error: unknown) => error as Error & { code?: string },
      );
      expect(failure?.code).toMatch(/^ERR_KEYSLOT_/);
      expect(failure?.message).toContain(seed);
      expect(failure?.message).toMatch(/ECONNREFUSED/);
      expect(app.hasDecorator('redis')).toBe(false);
    } finally {
      await app.close();
    }
  });

  it("fails ready() with the client's ConfigError for a malformed seed node", async () => {
    const app = Fastify();
    app.register(keyslot, { nodes: ['no-port-here'] });
    try {
      await expect(app.ready()).rejects.toMatchObject({
        code: 'ERR_KEYSLOT_CONFIG',
        message: expect.stringContaining('no-port-here'),
      });
    } finally {
      await app.close();
    }
  });

  it("fails before Fastify's plugin timeout when the cluster never answers", async () => {
    const silent = await silentServer();
    // connectTimeoutMs is left at the client's 5 s: only the plugin's cap can beat the 2 s plugin timeout.
    const app = Fastify({ pluginTimeout: 2_000 });
    app.register(keyslot, { nodes: [silent.address] });
    try {
      const failure = await app.ready().then(
        () => undefined,
        (error: unknown) => error as Error & { code?: string },
      );
      expect(failure?.code).not.toBe('FST_ERR_PLUGIN_TIMEOUT');
      expect(failure?.code).toMatch(/^ERR_KEYSLOT_/);
      expect(failure?.message).toContain(silent.address);
    } finally {
      await app.close();
      await silent.close();
    }
  });

  it('starts anyway with connectOnStart: false, reports down, and closes cleanly', async () => {
    const seed = `127.0.0.1:${await refusedPort()}`;
    const app = Fastify();
    app.register(keyslot, {
      nodes: [seed],
      connectOnStart: false,
      connection: { connectTimeoutMs: 1_000, commandTimeoutMs: 500 },
      healthRoute: '/health/redis',
    });
    await app.ready();
    const redis = app.redis;
    expect(redis.isOpen).toBe(true);
    const health = await app.inject({ method: 'GET', url: '/health/redis' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'down', reason: 'the cluster topology is not known yet' });
    await expect(redis.get('k')).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_KEYSLOT_/) });
    await app.close();
    expect(redis.isOpen).toBe(false);
  });
});
