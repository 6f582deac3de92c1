import { ClusterConnection, ConfigError } from '@keyslot/client';
import type { ThrottlerAsyncOptions, ThrottlerModuleOptions } from '@nestjs/throttler';
import { KeyslotThrottlerStorage, type KeyslotThrottlerStorageOptions } from './keyslot-throttler-storage.js';

/**
 * `ThrottlerModule.forRootAsync` options that put the throttlers on the application's shared `ClusterConnection`
 * (from `KeyslotModule`, which is global):
 *
 * ```ts
 * ThrottlerModule.forRootAsync(withKeyslotStorage({ throttlers: [{ ttl: 60_000, limit: 100 }] }))
 * ```
 *
 * To build the throttlers from configuration, write the factory yourself and inject `ClusterConnection` into it:
 * `useFactory: (redis, config) => ({ throttlers: ..., storage: new KeyslotThrottlerStorage(redis) })`.
 */
export function withKeyslotStorage(
  options: ThrottlerModuleOptions,
  storageOptions?: KeyslotThrottlerStorageOptions,
): ThrottlerAsyncOptions {
  const base: Exclude<ThrottlerModuleOptions, unknown[]> = Array.isArray(options)
    ? { throttlers: options }
    : options;
  if (base.storage !== undefined) {
    throw new ConfigError(
      'withKeyslotStorage: the options already have a storage; leave it out (withKeyslotStorage sets it) or pass ' +
        'your options to ThrottlerModule.forRoot instead',
    );
  }
  return {
    inject: [ClusterConnection],
    useFactory: (redis: ClusterConnection) => ({
      ...base,
      storage: new KeyslotThrottlerStorage(redis, storageOptions),
    }),
  };
}
