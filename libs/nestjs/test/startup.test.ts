// Start-up never hangs: it fails within the connect timeout with the client's error naming the seed, or, with
// connectOnStart: false, starts at once and serves once the cluster appears.
import { KeyslotError } from '@keyslot/client';
import { findFreePort, startCluster } from '@keyslot/dev-cluster';
import { ClusterConnection, KeyslotModule } from '@keyslot/nestjs';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { startSilentServer } from './support/network.js';

describe('start-up against an unreachable cluster', () => {
  it('fails with an error naming the seed when nothing listens', async () => {
    const port = await findFreePort();
    @Module({
      imports: [
        KeyslotModule.forRoot({ nodes: [`127.0.0.1:${port}`], connection: { connectTimeoutMs: 1000 } }),
      ],
    })
    class AppModule {}
    // What a real application gets: NestFactory rethrows when abortOnError is off.
    const start = NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
    const error = await start.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(KeyslotError);
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect((error as Error).message).toMatch(/could not (discover|connect)/);
  });

  it('fails within the connect timeout when a seed accepts but never answers', async () => {
    const silent = await startSilentServer();
    try {
      const start = Test.createTestingModule({
        imports: [
          KeyslotModule.forRoot({
            nodes: [`127.0.0.1:${silent.port}`],
            connection: { connectTimeoutMs: 1000 },
          }),
        ],
      }).compile();
      const error = (await start.then(
        () => undefined,
        (reason: unknown) => reason,
      )) as Error;
      expect(error).toBeInstanceOf(KeyslotError);
      expect(error.message).toContain(`127.0.0.1:${silent.port}`);
      expect(error.message).toContain('1000 ms');
      expect(silent.accepted).toBeGreaterThan(0);
    } finally {
      await silent.close();
    }
  });
});

describe('connectOnStart: false', () => {
  it('starts while the cluster is down and serves once it is up', async () => {
    // Pick ports by starting a cluster, then stop every node: the application starts against silent ports.
    const cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
    try {
      const nodes = [...cluster.nodes];
      for (const node of nodes) await cluster.stop(node);

      const moduleRef = await Test.createTestingModule({
        imports: [
          KeyslotModule.forRoot({
            nodes: cluster.seeds,
            connectOnStart: false,
            connection: { connectTimeoutMs: 1000, commandTimeoutMs: 1000 },
          }),
        ],
      }).compile();
      try {
        await moduleRef.init();
        const redis = moduleRef.get(ClusterConnection);
        expect(redis.isOpen).toBe(true);
        await expect(redis.get('down:key')).rejects.toThrow(KeyslotError);

        for (const node of nodes) await cluster.restart(node);
        await cluster.waitFor(async () => (await redis.set(`late:${process.pid}`, 'served')) === 'OK', {
          timeoutMs: 30_000,
          message: 'a command to succeed once the cluster is back',
        });
        expect(await redis.get(`late:${process.pid}`)).toBe('served');
        expect(redis.topology().coveredSlots).toBe(16384);
      } finally {
        await moduleRef.close();
      }
    } finally {
      await cluster.stop();
    }
  });
});
