// The connection is closed on application shutdown, after the commands already sent have finished.

import { ClosedError } from '@keyslot/client';
import { findFreePort } from '@keyslot/dev-cluster';
import { ClusterConnection, KeyslotModule } from '@keyslot/nestjs';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { startFastifyApp } from './support/fastify-app.js';
import { sharedSeeds } from './support/shared-seeds.js';

@Controller('counters')
class CountersController {
  constructor(private readonly redis: ClusterConnection) {}

  @Get(':name')
  async bump(@Param('name') name: string): Promise<{ value: number }> {
    return { value: Number(await this.redis.incr(`counters:${process.pid}:${name}`)) };
  }
}

async function startHttpApp(): Promise<NestFastifyApplication> {
  @Module({ imports: [KeyslotModule.forRoot({ nodes: sharedSeeds() })], controllers: [CountersController] })
  class AppModule {}
  return startFastifyApp(AppModule);
}

describe('shutdown', () => {
  it('closes the connection on app.close(); later commands reject with ClosedError', async () => {
    const app = await startHttpApp();
    const redis = app.get(ClusterConnection);
    const response = await app.inject({ method: 'GET', url: '/counters/visits' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ value: 1 });
    expect(redis.isOpen).toBe(true);

    await app.close();

    expect(redis.isOpen).toBe(false);
    const error = await redis.get('after:close').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ClosedError);
    expect((error as ClosedError).code).toBe('ERR_KEYSLOT_CLOSED');
  });

  it('lets commands already sent finish before closing', async () => {
    const app = await startHttpApp();
    const redis = app.get(ClusterConnection);
    const keys = Array.from({ length: 500 }, (_, i) => `inflight:${process.pid}:${i}`);
    // Sent, not awaited: they are in flight when shutdown begins.
    const writes = keys.map((key) => redis.set(key, 'v'));
    const closing = app.close();
    expect(await Promise.all(writes)).toEqual(keys.map(() => 'OK'));
    await closing;
    expect(redis.isOpen).toBe(false);
  });

  it('closes an application that never connected without error', async () => {
    const port = await findFreePort();
    const moduleRef = await Test.createTestingModule({
      imports: [KeyslotModule.forRoot({ nodes: [`127.0.0.1:${port}`], connectOnStart: false })],
    }).compile();
    await moduleRef.init();
    const redis = moduleRef.get(ClusterConnection);
    expect(redis.isOpen).toBe(true);
    await moduleRef.close();
    expect(redis.isOpen).toBe(false);
  });
});
