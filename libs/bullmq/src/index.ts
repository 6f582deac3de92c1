/**
 * @keyslot/bullmq: BullMQ's `Queue`, `Worker`, `QueueEvents` and `FlowProducer` on one shared keyslot
 * `ClusterConnection`, through BullMQ 6's own client interface (`IRedisClient`): no ioredis, no patching.
 *
 * @packageDocumentation
 * @module @keyslot/bullmq
 */
export { BullmqTransaction, type ExecTuples } from './bullmq-transaction.js';
export {
  bullmqConnection,
  KeyslotBullmqClient,
  type KeyslotBullmqClientOptions,
} from './keyslot-bullmq-client.js';
