/**
 * @keyslot/nestjs: a global NestJS module that provides one keyslot `ClusterConnection`.
 * The health indicator lives in `@keyslot/nestjs/health`, so applications without `@nestjs/terminus` never load it.
 *
 * @packageDocumentation
 * @module @keyslot/nestjs
 */
// The injection token: re-exported so an application gets the very class the module provides.
export { ClusterConnection } from '@keyslot/client';
export { InjectClusterConnection } from './inject-cluster-connection.decorator.js';
export { KeyslotModule } from './keyslot.module.js';
export type {
  KeyslotModuleAsyncOptions,
  KeyslotModuleOptions,
  KeyslotOptionsFactory,
} from './keyslot-module-options.js';
