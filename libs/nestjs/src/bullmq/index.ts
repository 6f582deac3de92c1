/**
 * @keyslot/nestjs/bullmq: `@nestjs/bullmq` on the module's one `ClusterConnection`. A separate entry point, so
 * that `@nestjs/bullmq` and `bullmq` stay optional peer dependencies and applications without them never load them.
 *
 * @packageDocumentation
 * @module @keyslot/nestjs/bullmq
 */
export { type KeyslotBullOptions, keyslotBullConfig } from './keyslot-bull-config.js';
