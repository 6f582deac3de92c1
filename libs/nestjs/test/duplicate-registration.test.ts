// Registering the module twice: the same options share the one connection, other options fail start-up.
import { ConfigError } from '@keyslot/client';
import { ClusterConnection, InjectClusterConnection, KeyslotModule } from '@keyslot/nestjs';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { sharedSeeds } from './support/shared-seeds.js';

describe('a second registration', () => {
  it('with other options fails start-up, naming what differs but never a password', async () => {
    const [seed] = sharedSeeds();
    @Module({
      imports: [
        KeyslotModule.forRoot({
          nodes: [`redis://:url-secret-1@${seed}`],
          connectOnStart: false,
          connection: { commandTimeoutMs: 1000 },
        }),
      ],
    })
    class PaymentsModule {}

    const start = Test.createTestingModule({
      imports: [
        PaymentsModule,
        KeyslotModule.forRoot({
          nodes: [seed!],
          clientOptions: { password: 'option-secret-2' },
          connectOnStart: false,
        }),
      ],
    }).compile();

    const error = (await start.then(
      () => undefined,
      (reason: unknown) => reason,
    )) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('ERR_KEYSLOT_CONFIG');
    expect(error.message).toMatch(/KeyslotModule is registered twice with different options/);
    expect(error.message).toContain('clientOptions.password');
    expect(error.message).toContain('connection.commandTimeoutMs');
    expect(error.message).toContain(`redis://:***@${seed}`);
    expect(error.message).toMatch(/call forRoot or forRootAsync once, in the root module/);
    expect(error.message).not.toContain('url-secret-1');
    expect(error.message).not.toContain('option-secret-2');
  });

  it('with the same options is harmless: one connection, shared by every registration', async () => {
    const seeds = sharedSeeds();
    const clientName = `dup-${process.pid}`;

    @Injectable()
    class ReportsService {
      constructor(@InjectClusterConnection() readonly redis: ClusterConnection) {}
    }
    // A feature module that registers the module itself, with the same options written in another key order.
    @Module({
      imports: [
        KeyslotModule.forRoot({
          connection: { connectTimeoutMs: 3000 },
          clientOptions: { clientName },
          nodes: seeds,
        }),
      ],
      providers: [ReportsService],
    })
    class ReportsModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [
        KeyslotModule.forRoot({
          nodes: [...seeds],
          clientOptions: { clientName },
          connection: { connectTimeoutMs: 3000 },
        }),
        ReportsModule,
        KeyslotModule.forRootAsync({
          useFactory: async () => ({
            nodes: seeds,
            clientOptions: { clientName },
            connection: { connectTimeoutMs: 3000 },
            connectOnStart: true,
          }),
        }),
      ],
    }).compile();
    try {
      await moduleRef.init();
      const redis = moduleRef.get(ClusterConnection);
      expect(moduleRef.get(ReportsService).redis).toBe(redis);
      await redis.set(`dup:${process.pid}`, 'one');
      expect(await redis.get(`dup:${process.pid}`)).toBe('one');

      // Each primary sees exactly one connection with our client name: only one ClusterConnection was opened.
      const lists = await redis.onEachPrimary<string>({ name: 'CLIENT', args: ['LIST'] });
      const ours = Object.values(lists).map((list) =>
        list.split('\n').filter((line) => line.includes(`name=${clientName} `)),
      );
      expect(ours.map((lines) => lines.length)).toEqual([1, 1, 1]);
    } finally {
      await moduleRef.close();
    }
  });
});
