import { ClusterConnection, ConfigError } from '@keyslot/client';
import type { Provider } from '@nestjs/common';
import { ConnectionRegistry } from './connection-registry.js';
import { KEYSLOT_MODULE_OPTIONS } from './keyslot.constants.js';
import type {
  KeyslotModuleAsyncOptions,
  KeyslotModuleOptions,
  KeyslotOptionsFactory,
} from './keyslot-module-options.js';

/**
 * The one `ClusterConnection`. A provider rather than a value made in `forRoot`, so nothing is created or
 * connected until Nest builds the application, and a test's `overrideProvider(ClusterConnection)` skips it whole.
 */
export const connectionProvider: Provider = {
  provide: ClusterConnection,
  useFactory: (options: KeyslotModuleOptions, registry: ConnectionRegistry) => registry.acquire(options),
  inject: [KEYSLOT_MODULE_OPTIONS, ConnectionRegistry],
};

/** The options of `forRoot`, as given. */
export function optionsProvider(options: KeyslotModuleOptions): Provider {
  return { provide: KEYSLOT_MODULE_OPTIONS, useValue: options };
}

/** The providers that make the options of `forRootAsync`; checks its shape now, before any I/O. */
export function asyncOptionsProviders(options: KeyslotModuleAsyncOptions): Provider[] {
  const given = (['useFactory', 'useClass', 'useExisting'] as const).filter((key) => options?.[key]);
  if (given.length !== 1) {
    throw new ConfigError(
      `KeyslotModule.forRootAsync needs exactly one of useFactory, useClass or useExisting, got ${given.length === 0 ? 'none' : given.join(' and ')}`,
    );
  }
  if (options.useFactory) {
    return [
      { provide: KEYSLOT_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
    ];
  }
  const factory = (options.useClass ?? options.useExisting)!;
  const fromFactory: Provider = {
    provide: KEYSLOT_MODULE_OPTIONS,
    useFactory: (instance: KeyslotOptionsFactory) => instance.createKeyslotOptions(),
    inject: [factory],
  };
  // useClass: this module makes its own instance; useExisting: it comes from `imports` or a global module.
  return options.useClass ? [{ provide: factory, useClass: factory }, fromFactory] : [fromFactory];
}
