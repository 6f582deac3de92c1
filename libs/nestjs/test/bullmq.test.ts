// @nestjs/bullmq on the module's one ClusterConnection, wired with keyslotBullConfig: queues injected with
// @InjectQueue, a @Processor, a @QueueEventsListener and a flow producer, in a real Nest app on the real cluster.
import { bullmqConnection, KeyslotBullmqClient } from '@keyslot/bullmq';
import { ClusterClient } from '@keyslot/client';
import { waitFor } from '@keyslot/dev-cluster';
import { ClusterConnection, KeyslotModule } from '@keyslot/nestjs';
import { keyslotBullConfig } from '@keyslot/nestjs/bullmq';
import {
  BullModule,
  getQueueToken,
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
import { type FlowProducer, type Job, Queue } from 'bullmq';
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

const SLOW_QUEUE = `slow-${process.pid}`;

/** Holds each job until the test lets it go. */
@Processor(SLOW_QUEUE)
class SlowProcessor extends WorkerHost {
  readonly started: string[] = [];
  release!: () => void;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));

  async process(job: Job): Promise<string> {
    this.started.push(job.id!);
    await this.released;
    return 'done';
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
    BullModule.registerQueue({ name: QUEUE }, { name: SLOW_QUEUE }),
    BullModule.registerFlowProducer({ name: 'mail-flows' }),
  ],
  providers: [EmailProcessor, EmailEvents, Mailer, SlowProcessor],
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
      await waitFor(() => processor.completed === 3, {
        timeoutMs: 5000,
        message: "the worker's third 'completed'",
      });
      expect(events.completed).toContain(job.id);
    } finally {
      await app.close();
    }
    expect(redis.isOpen).toBe(false);
    expect(processor.worker.isRunning()).toBe(false);
  });

  it('on shutdown, a job still running is finished and recorded before the shared connection closes', async () => {
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const processor = app.get(SlowProcessor);
    const queue = app.get<Queue>(getQueueToken(SLOW_QUEUE));
    const job = await queue.add('long', {});
    await waitFor(() => processor.started.length === 1, { timeoutMs: 10_000, message: 'the job to start' });
    // The job ends once shutdown is under way: when its worker starts closing, or the shared connection does,
    // whichever Nest does first.
    const redisOfApp = app.get(ClusterConnection);
    let workerClosing = false;
    processor.worker.once('closing', () => {
      workerClosing = true;
    });
    const closing = app.close();
    await waitFor(() => workerClosing || !redisOfApp.isOpen, {
      timeoutMs: 10_000,
      message: 'shutdown to begin',
    });
    processor.release();
    await closing;

    const redis = await new ClusterClient(sharedSeeds()).getConnection();
    const check = new Queue(SLOW_QUEUE, { connection: bullmqConnection(redis), prefix: PREFIX });
    try {
      expect(await (await check.getJob(job.id!))?.getState()).toBe('completed');
    } finally {
      await check.close();
      await redis.close();
    }
  });
});
