import { ConfigError, checkInstrumentation } from '@keyslot/client';
import type { KeyslotModuleOptions } from './keyslot-module-options.js';

/**
 * Throws a `ConfigError` for options the module cannot even read. The usual cause is a `forRootAsync` factory
 * whose configuration key is missing; the client checks the rest (seed syntax, passwords, timeouts).
 */
export function checkModuleOptions(options: KeyslotModuleOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(
      `KeyslotModule needs options ({ nodes, ... }), got ${String(options)}; check what the forRootAsync factory returns`,
    );
  }
  if (options.nodes === undefined || options.nodes === null) {
    throw new ConfigError(
      'KeyslotModule options have no nodes; give at least one seed node, e.g. { nodes: ["10.0.0.1:7000"] }',
    );
  }
  if (options.instrumentation !== undefined) checkInstrumentation(options.instrumentation, 'KeyslotModule');
}
