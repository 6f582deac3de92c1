import { type ClusterConnection, ConfigError } from '@keyslot/client';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { checkModuleOptions } from './check-module-options.js';
import type { KeyslotModuleOptions } from './keyslot-module-options.js';
import { openConnection } from './open-connection.js';
import { differences, fingerprintOptions, type OptionsFingerprint } from './options-fingerprint.js';

interface Registration {
  fingerprint: OptionsFingerprint;
  connection: Promise<ClusterConnection>;
  options: KeyslotModuleOptions;
}

/**
 * The application's one connection and its owner: one instance per Nest application. Every `KeyslotModule`
 * registration asks it for the connection; the first one opens it, the same options again share it, and other
 * options are refused before anything else is opened. On shutdown it closes what it opened, and only that: a
 * connection replaced with `overrideProvider(ClusterConnection)` is never opened here, so never closed here.
 */
@Injectable()
export class ConnectionRegistry implements OnApplicationShutdown {
  private registration: Registration | undefined;

  /** The connection for a registration's options; rejects with a `ConfigError` if they differ from the first. */
  acquire(options: KeyslotModuleOptions): Promise<ClusterConnection> {
    try {
      checkModuleOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const fingerprint = fingerprintOptions(options);
    const first = this.registration;
    if (first === undefined) {
      this.registration = { fingerprint, connection: openConnection(options), options };
      return this.registration.connection;
    }
    const differ = differences(first.fingerprint, fingerprint);
    if (differ.length === 0) return first.connection;
    // Start-up fails with this error, and a failed start-up runs no shutdown hook: drop the first connection now.
    first.connection.then(
      (connection) => connection.destroy(),
      () => {},
    );
    first.options.instrumentation?.disable();
    return Promise.reject(
      new ConfigError(
        `KeyslotModule is registered twice with different options (${differ.join('; ')}). It is a global module that provides one ClusterConnection: call forRoot or forRootAsync once, in the root module, and inject ClusterConnection anywhere else`,
      ),
    );
  }

  /**
   * Closes the connection after the HTTP server has stopped (Nest runs this hook last, and global modules last
   * of all): in-flight commands finish, new ones are refused. Harmless if the connection never connected.
   */
  async onApplicationShutdown(): Promise<void> {
    const connection = await this.registration?.connection.catch(() => undefined);
    await connection?.close();
    this.registration?.options.instrumentation?.disable();
  }
}
