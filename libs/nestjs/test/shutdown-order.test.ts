// The connection is closed after every other provider's onApplicationShutdown hook, wherever that provider's
// module sits in the module tree: a hook may still write to Redis on its way out.

import { ClusterConnection, KeyslotModule } from '@keyslot/nestjs';
import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { sharedSeeds } from './support/shared-seeds.js';

const key = `shutdown-order:${process.pid}`;

/** Writes a farewell in its shutdown hook; keeps the outcome for the test to read. */
@Injectable()
class FarewellWriter implements OnApplicationShutdown {
  static outcome: unknown;

  constructor(private readonly redis: ClusterConnection) {}

  async onApplicationShutdown(): Promise<void> {
    FarewellWriter.outcome = await this.redis.set(key, 'bye').catch((error: unknown) => error);
  }
}

async function closeAndReadFarewell(rootImports: Parameters<typeof Module>[0]['imports']): Promise<unknown> {
  FarewellWriter.outcome = undefined;
  const moduleRef = await Test.createTestingModule({ imports: rootImports }).compile();
  await moduleRef.init();
  await moduleRef.close();
  return FarewellWriter.outcome;
}

describe('shutdown order', () => {
  it('closes the connection only after the shutdown hook of a provider in a deeply nested module', async () => {
    @Module({ providers: [FarewellWriter] })
    class DeepModule {}
    @Module({ imports: [DeepModule] })
    class InnerModule {}
    @Module({ imports: [InnerModule] })
    class FeatureModule {}

    const outcome = await closeAndReadFarewell([
      KeyslotModule.forRoot({ nodes: sharedSeeds() }),
      FeatureModule,
    ]);
    expect(outcome).toBe('OK');
  });

  it('closes the connection only after the shutdown hook of a provider in a global module imported after it', async () => {
    @Global()
    @Module({ providers: [FarewellWriter], exports: [FarewellWriter] })
    class FarewellModule {}

    const outcome = await closeAndReadFarewell([
      KeyslotModule.forRoot({ nodes: sharedSeeds() }),
      FarewellModule,
    ]);
    expect(outcome).toBe('OK');
  });
});
