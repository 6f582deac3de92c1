// forRootAsync: options from ConfigService through a factory, a class, or an existing provider.
import { ConfigError } from '@keyslot/client';
import {
  ClusterConnection,
  KeyslotModule,
  type KeyslotModuleOptions,
  type KeyslotOptionsFactory,
} from '@keyslot/nestjs';
import { type DynamicModule, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { sharedSeeds } from './support/shared-seeds.js';

// No .env file: the configuration comes from a loader, as it would from a config file or the environment.
const config = () =>
  ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ redis: { nodes: sharedSeeds() } })] });

@Injectable()
class KeyslotConfig implements KeyslotOptionsFactory {
  constructor(private readonly config: ConfigService) {}

  createKeyslotOptions(): KeyslotModuleOptions {
    return { nodes: this.config.getOrThrow<string[]>('redis.nodes') };
  }
}

@Module({ imports: [ConfigModule], providers: [KeyslotConfig], exports: [KeyslotConfig] })
class KeyslotConfigModule {}

async function startWith(keyslot: DynamicModule): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({ imports: [config(), keyslot] }).compile();
  await moduleRef.init();
  return moduleRef;
}

async function expectWorking(moduleRef: TestingModule, key: string): Promise<void> {
  const redis = moduleRef.get(ClusterConnection);
  await redis.set(`${key}:${process.pid}`, 'yes');
  expect(await redis.get(`${key}:${process.pid}`)).toBe('yes');
}

describe('forRootAsync', () => {
  it('takes its options from ConfigService with useFactory and inject', async () => {
    const moduleRef = await startWith(
      KeyslotModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          nodes: config.getOrThrow<string[]>('redis.nodes'),
          connection: { connectTimeoutMs: 2000 },
        }),
      }),
    );
    try {
      await expectWorking(moduleRef, 'async:factory');
    } finally {
      await moduleRef.close();
    }
  });

  it('instantiates a useClass options factory with its own dependencies', async () => {
    const moduleRef = await startWith(
      KeyslotModule.forRootAsync({ imports: [ConfigModule], useClass: KeyslotConfig }),
    );
    try {
      await expectWorking(moduleRef, 'async:class');
    } finally {
      await moduleRef.close();
    }
  });

  it('reuses an imported provider with useExisting', async () => {
    const moduleRef = await startWith(
      KeyslotModule.forRootAsync({ imports: [KeyslotConfigModule], useExisting: KeyslotConfig }),
    );
    try {
      await expectWorking(moduleRef, 'async:existing');
    } finally {
      await moduleRef.close();
    }
  });

  it('refuses anything but exactly one of useFactory, useClass and useExisting when it is called', () => {
    expect(() => KeyslotModule.forRootAsync({})).toThrow(ConfigError);
    expect(() => KeyslotModule.forRootAsync({})).toThrow(
      /exactly one of useFactory, useClass or useExisting, got none/,
    );
    expect(() =>
      KeyslotModule.forRootAsync({ useClass: KeyslotConfig, useFactory: () => ({ nodes: sharedSeeds() }) }),
    ).toThrow(/got useFactory and useClass/);
  });

  it('fails start-up with a clear error when the factory returns no options', async () => {
    const keyslot = KeyslotModule.forRootAsync({
      useFactory: () => undefined as unknown as KeyslotModuleOptions,
    });
    const start = Test.createTestingModule({ imports: [keyslot] }).compile();
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(/KeyslotModule needs options .*forRootAsync factory/);
  });
});
