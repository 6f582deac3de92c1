import { WorkerHost } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

/**
 * Closes the application's BullMQ workers (`@Processor` classes) before any `onApplicationShutdown` hook runs.
 * Nest may run `KeyslotModule`'s hook, which closes the shared connection, before `@nestjs/bullmq`'s, which closes
 * the workers; a worker would then finish its active jobs with no connection to record them on, and they would be
 * run again elsewhere once their locks expired. Closing a worker twice is harmless: the second close waits for the
 * first.
 */
@Injectable()
export class CloseWorkersFirst implements BeforeApplicationShutdown {
  constructor(private readonly discovery: DiscoveryService) {}

  async beforeApplicationShutdown(): Promise<void> {
    const closing = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .flatMap((host) => {
        try {
          return [host.worker.close()];
        } catch {
          return []; // a processor whose worker was never created
        }
      });
    await Promise.all(closing);
  }
}
