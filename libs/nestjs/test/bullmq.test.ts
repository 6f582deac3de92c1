// @nestjs/bullmq on the module's one ClusterConnection, wired with keyslotBullConfig: queues injected with
// @InjectQueue, a @Processor, a @QueueEventsListener and a flow producer, in a real Nest app on the real cluster.
import { KeyslotBullmqClient } from '@keyslot/bullmq';
import { ClusterConnection, KeyslotModule } from '@keyslot/nestjs';
import { keyslotBullConfig } from '@keyslot/nestjs/bullmq';
import {
  BullModule,
  InjectFlowProducer,
  InjectQueue,
  OnQueueEvent,
  OnWorkerEvent,
  Processor,
  QueueEventsHost,
  QueueEventsListener,
  WorkerHost,
} from '@nestjs/bullmq';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { FlowProducer, Job, Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { sharedSeeds } from './support/shared-seeds.js';

const QUEUE = `emails-${process.pid}`;
const PREFIX = '{nest-bull}';

@Processor(QUEUE)
class EmailProcessor extends WorkerHost {
  readonly sent: string[] = [];
  completed = 0;

  async process(job: Job<{ to: string }>): Promise<string> {
    this.sent.push(job.data.to);
    return `sent to ${job.data.to}`;
  }

  @OnWorkerEvent('completed')
  onCompleted(): void {
    this.completed++;
  }
}

@QueueEventsListener(QUEUE)
class EmailEvents extends QueueEventsHost {
  readonly completed: string[] = [];

  @OnQueueEvent('completed')
  onCompleted({ jobId }: { jobId: string }): void {
    this.completed.push(jobId);
  }
}

@Injectable()
class Mailer {
  constructor(
    @InjectQueue(QUEUE) readonly queue: Queue,
    @InjectFlowProducer('mail-flows') readonly flows: FlowProducer,
  ) {}
}

@Module({
  imports: [
    KeyslotModule.forRoot({ nodes: sharedSeeds() }),
    BullModule.forRootAsync(keyslotBullConfig({ prefix: PREFIX, defaultJobOptions: { attempts: 2 } })),
    BullModule.registerQueue({ name: QUEUE }),
    BullModule.registerFlowProducer({ name: 'mail-flows' }),
  ],
  providers: [EmailProcessor, EmailEvents, Mailer],
})
class AppModule {}

describe('@keyslot/nestjs/bullmq', () => {
  it('queues, processors, queue events and flows run on the one ClusterConnection, and shut down with the app', async () => {
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    app.enableShutdownHooks();
    const redis = app.get(ClusterConnection);
    const { queue, flows } = app.get(Mailer);
    const processor = app.get(EmailProcessor);
    const events = app.get(EmailEvents);
    try {
      // The queue's client is keyslot's BullMQ client over the very connection the module provides.
      const client = await queue.getBackend().client;
      expect(client).toBeInstanceOf(KeyslotBullmqClient);
      expect((client as KeyslotBullmqClient).connection).toBe(redis);
      expect(queue.opts.prefix).toBe(PREFIX);

      await events.queueEvents.waitUntilReady();
      const job = await queue.add('welcome', { to: 'ada@example.com' });
      expect(job.opts.attempts).toBe(2); // the other shared options are kept
      await expect(job.waitUntilFinished(events.queueEvents, 15_000)).resolves.toBe(
        'sent to ada@example.com',
      );
      const tree = await flows.add({
        name: 'digest',
        queueName: QUEUE,
        data: { to: 'list@example.com' },
        children: [{ name: 'part', queueName: QUEUE, data: { to: 'grace@example.com' } }],
      });
      await expect(tree.job.waitUntilFinished(events.queueEvents, 15_000)).resolves.toBe(
        'sent to list@example.com',
      );
      expect(processor.sent).toEqual(['ada@example.com', 'grace@example.com', 'list@example.com']);
      expect(processor.completed).toBe(3);
      expect(events.completed).toContain(job.id);
    } finally {
      await app.close();
    }
    expect(redis.isOpen).toBe(false);
    expect(processor.worker.isRunning()).toBe(false);
  });
});
