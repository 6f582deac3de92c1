/**
 * @keyslot/nestjs/throttler: a `ThrottlerStorage` for `@nestjs/throttler` 6 on the shared `ClusterConnection`.
 * A separate entry point, so that `@nestjs/throttler` stays an optional peer dependency.
 *
 * @packageDocumentation
 * @module @keyslot/nestjs/throttler
 */
export { KeyslotThrottlerStorage, type KeyslotThrottlerStorageOptions } from './keyslot-throttler-storage.js';
export { DEFAULT_THROTTLER_PREFIX, type ThrottlerKeys, throttlerKeys } from './throttler-keys.js';
export { withKeyslotStorage } from './with-keyslot-storage.js';
