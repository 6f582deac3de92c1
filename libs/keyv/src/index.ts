/**
 * @keyslot/keyv: a Keyv store on the shared keyslot `ClusterConnection`, for Keyv, `cache-manager` 7 and
 * `@nestjs/cache-manager` 3.
 *
 * @packageDocumentation
 * @module @keyslot/keyv
 */
export { KeyslotKeyvStore, type KeyslotKeyvStoreOptions, type KeyvConnection } from './keyslot-keyv-store.js';
