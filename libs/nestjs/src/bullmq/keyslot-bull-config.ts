import { bullmqConnection } from '@keyslot/bullmq';
import { ClusterConnection } from '@keyslot/client';
import type { SharedBullAsyncConfiguration } from '@nestjs/bullmq';
import { DiscoveryModule } from '@nestjs/core';
import type { QueueOptions } from 'bullmq';
import { CloseWorkersFirst } from './close-workers-first.js';

/**
 * BullMQ's shared options for the application's queues, workers and flow producers, without the connection: that
 * comes from `KeyslotModule`. `prefix` is required, because on a Redis Cluster BullMQ needs a hash tag in it
 * (`'{bull}'`), unless every queue name carries one (`'{emails}'`) and the prefix stays as it was.
 */
export type KeyslotBullOptions = Omit<QueueOptions, 'connection'> & { prefix: string };

/**
 * `@nestjs/bullmq`'s shared configuration on the module's one `ClusterConnection`: every queue, worker
 * (`@Processor`), `@QueueEventsListener` and flow producer registered with `BullModule` then runs on it, through
 * `@keyslot/bullmq`, and opens no connection of its own. On shutdown, the workers are closed (their active jobs
 * finished and recorded) before the connection is.
 *
 * ```ts
 * @Module({
 *   imports: [
 *     KeyslotModule.forRoot({ nodes: ['10.0.0.1:7000'] }),
 *     BullModule.forRootAsync(keyslotBullConfig({ prefix: '{bull}' })),
 *     BullModule.registerQueue({ name: 'emails' }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
export function keyslotBullConfig(options: KeyslotBullOptions): SharedBullAsyncConfiguration {
  return {
    imports: [DiscoveryModule],
    extraProviders: [CloseWorkersFirst],
    inject: [ClusterConnection],
    useFactory: (connection: ClusterConnection): QueueOptions => ({
      ...options,
      connection: bullmqConnection(connection),
    }),
  };
}
