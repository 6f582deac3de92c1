import type {
  ClusterClientOptions,
  ClusterConnectionConfig,
  ClusterNodeInput,
  ConnectionInstrumentation,
} from '@keyslot/client';
import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency, Type } from '@nestjs/common';

/** What `KeyslotModule.forRoot` (or the factory of `forRootAsync`) is given. */
export interface KeyslotModuleOptions {
  /** Seed nodes: `'host:port'` strings, `redis://` / `rediss://` URLs or `{ host, port }`; a few are enough. */
  nodes: ClusterNodeInput | readonly ClusterNodeInput[];
  /** Log-in, TLS, client name, RESP version and NAT mapping, applied to every node. */
  clientOptions?: ClusterClientOptions | undefined;
  /** Deadlines, read routing, retries and limits of the connection (`connectTimeoutMs` default 5000). */
  connection?: ClusterConnectionConfig | undefined;
  /**
   * `true` (default): start-up waits until the cluster's topology is known, and fails within
   * `connection.connectTimeoutMs` with an error naming every seed node tried when it cannot be reached.
   * `false`: start-up does not wait; the connection is made in the background and commands wait for it up to
   * their deadline.
   */
  connectOnStart?: boolean | undefined;
  /**
   * Turns OpenTelemetry on in one line: `instrumentation: new KeyslotInstrumentation()` (from `@keyslot/otel`).
   * The module enables it before connecting, has it observe the connection, and disables it at shutdown.
   */
  instrumentation?: ConnectionInstrumentation | undefined;
}

/** A class that makes the options, for `forRootAsync({ useClass })` or `forRootAsync({ useExisting })`. */
export interface KeyslotOptionsFactory {
  createKeyslotOptions(): KeyslotModuleOptions | Promise<KeyslotModuleOptions>;
}

/** `KeyslotModule.forRootAsync` options: exactly one of `useFactory`, `useClass` or `useExisting`. */
export interface KeyslotModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Makes the options from the providers listed in `inject`, e.g. `ConfigService`. */
  // biome-ignore lint/suspicious/noExplicitAny: the injected values are typed by the caller's factory, as in Nest's own FactoryProvider
  useFactory?: (...args: any[]) => KeyslotModuleOptions | Promise<KeyslotModuleOptions>;
  /** The providers `useFactory` receives, in order. */
  inject?: (InjectionToken | OptionalFactoryDependency)[] | undefined;
  /** A class this module instantiates to make the options. */
  useClass?: Type<KeyslotOptionsFactory> | undefined;
  /** A provider, from `imports` or a global module, that makes the options. */
  useExisting?: Type<KeyslotOptionsFactory> | undefined;
}
