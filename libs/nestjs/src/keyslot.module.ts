import { ClusterConnection } from '@keyslot/client';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { asyncOptionsProviders, connectionProvider, optionsProvider } from './keyslot.providers.js';
import { KeyslotCoreModule } from './keyslot-core.module.js';
import type { KeyslotModuleAsyncOptions, KeyslotModuleOptions } from './keyslot-module-options.js';

/**
 * A global module that provides one `ClusterConnection` to the whole application, injectable by its class or
 * with `@InjectClusterConnection()`.
 *
 * Register it once, in the root module. Nothing is created when `forRoot` is called: the connection is opened
 * while Nest builds the application (start-up fails within `connectTimeoutMs` when the cluster cannot be
 * reached, unless `connectOnStart: false`), and closed gracefully on application shutdown. Registering it again
 * with the same options is harmless; with other options start-up fails with a `ConfigError`.
 *
 * ```ts
 * @Module({ imports: [KeyslotModule.forRoot({ nodes: ['10.0.0.1:7000', '10.0.0.2:7000'] })] })
 * export class AppModule {}
 * ```
 */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: Nest identifies a module by its class; forRoot/forRootAsync are the conventional API
export class KeyslotModule {
  /** Registers the module with options known up front. */
  static forRoot(options: KeyslotModuleOptions): DynamicModule {
    return KeyslotModule.register([optionsProvider(options)]);
  }

  /**
   * Registers the module with options made by a factory, a class or an existing provider, e.g. from
   * `ConfigService`: `forRootAsync({ inject: [ConfigService], useFactory: (config) => ({ nodes: ... }) })`.
   */
  static forRootAsync(options: KeyslotModuleAsyncOptions): DynamicModule {
    return KeyslotModule.register(asyncOptionsProviders(options), options.imports);
  }

  private static register(
    optionsProviders: Provider[],
    imports: DynamicModule['imports'] = [],
  ): DynamicModule {
    return {
      module: KeyslotModule,
      global: true,
      imports: [KeyslotCoreModule, ...imports],
      providers: [...optionsProviders, connectionProvider],
      exports: [ClusterConnection],
    };
  }
}
