// BullMQ's public API (Queue, Worker, QueueEvents, FlowProducer) on one keyslot ClusterConnection, against a real
// 3-primary cluster: what an application does with a queue, end to end, on RESP3 and RESP2.
import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { type DevCluster, type DevClusterNode, startCluster } from '@keyslot/dev-cluster';
import { ConnectionClosedError, FlowProducer, type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bullmqConnection } from '../src/index.js';
import { clientsNamed, prefixOn, uniqueQueue } from './support.js';

const CLIENT_NAME = 'bullmq-suite';

let cluster: DevCluster;
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
});
afterAll(async () => {
  await cluster?.stop();
});

/** BullMQ objects a test made: closed after it, workers first. */
const opened: { close(): Promise<unknown> }[] = [];
function track<T extends { close(): Promise<unknown> }>(thing: T): T {
  opened.push(thing);
  return thing;
}
afterEach(async () => {
  const things = opened.splice(0).reverse();
  for (const thing of things) await thing.close();
});

/** CLUSTER KEYSLOT calls a node has served (INFO commandstats). */
async function keyslotCallsOf(node: DevClusterNode): Promise<number> {
  const stats = String(await cluster.admin(node, 'INFO', 'commandstats'));
  return Number(/^cmdstat_cluster\|keyslot:calls=(\d+)/m.exec(stats)?.[1] ?? 0);
}

describe.each([3, 2] as const)('on RESP%i', (protocol) => {
  let redis: ClusterConnection;
  let prefix: string;
  beforeAll(async () => {
    redis = await new ClusterClient(cluster.seeds, { protocol, clientName: CLIENT_NAME }).getConnection();
    prefix = prefixOn(cluster, cluster.primaries[1]!);
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('a job added to a Queue is processed by a Worker, and its return value reaches QueueEvents', async () => {
    const connection = bullmqConnection(redis);
    const name = uniqueQueue('basic');
    const queue = track(new Queue(name, { connection, prefix }));
    const events = track(new QueueEvents(name, { connection, prefix }));
    await events.waitUntilReady();
    track(
      new Worker(name, async (job: Job<{ n: number }>) => ({ doubled: job.data.n * 2 }), {
        connection,
        prefix,
      }),
    );

    const job = await queue.add('double', { n: 21 });
    await expect(job.waitUntilFinished(events, 15_000)).resolves.toEqual({ doubled: 42 });
    const stored = await queue.getJob(job.id!);
    expect(stored?.returnvalue).toEqual({ doubled: 42 });
    expect(await stored?.getState()).toBe('completed');
  });

  it('addBulk adds every job through one pipeline, in order, and all are processed', async () => {
    const connection = bullmqConnection(redis);
    const name = uniqueQueue('bulk');
    const queue = track(new Queue(name, { connection, prefix }));
    const added = await queue.addBulk(Array.from({ length: 200 }, (_, i) => ({ name: 'n', data: { i } })));
    expect(added.map((job) => job.data.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(await queue.getWaitingCount()).toBe(200);
    const seen: number[] = [];
    track(
      new Worker(name, async (job: Job<{ i: number }>) => void seen.push(job.data.i), { connection, prefix }),
    );
    await cluster.waitFor(async () => (await queue.getCompletedCount()) === 200, {
      timeoutMs: 30_000,
      message: 'the 200 jobs to complete',
    });
    // One worker with concurrency 1 takes them in the order they were added.
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('a failing job is retried with exponential backoff until it succeeds', async () => {
    const connection = bullmqConnection(redis);
    const name = uniqueQueue('retry');
    const queue = track(new Queue(name, { connection, prefix }));
    const events = track(new QueueEvents(name, { connection, prefix }));
    await events.waitUntilReady();
    const startedAt: number[] = [];
    track(
      new Worker(
        name,
        async () => {
          startedAt.push(Date.now());
          if (startedAt.length < 3) throw new Error(`attempt ${startedAt.length} fails`);
          return 'third time lucky';
        },
        { connection, prefix },
      ),
    );
    const job = await queue.add('flaky', {}, { attempts: 5, backoff: { type: 'exponential', delay: 200 } });
    await expect(job.waitUntilFinished(events, 20_000)).resolves.toBe('third time lucky');
    const stored = await queue.getJob(job.id!);
    expect(stored?.attemptsMade).toBe(3);
    // Exponential: 200 ms before the second attempt, 400 ms before the third.
    expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(200);
    expect(startedAt[2]! - startedAt[1]!).toBeGreaterThanOrEqual(400);
  });

  it('a job that runs out of attempts ends failed, with its reason, and QueueEvents says so', async () => {
    const connection = bullmqConnection(redis);
    const name = uniqueQueue('fail');
    const queue = track(new Queue(name, { connection, prefix }));
    const events = track(new QueueEvents(name, { connection, prefix }));
    await events.waitUntilReady();
    const failed = new Promise<{ jobId: string; failedReason: string }>((resolve) =>
      events.on('failed', resolve),
    );
    track(
      new Worker(
        name,
        async () => {
          throw new Error('always broken');
        },
        { connection, prefix },
      ),
    );
    const job = await queue.add('doomed', {}, { attempts: 2 });
    await expect(failed).resolves.toEqual({ jobId: job.id, failedReason: 'always broken', prev: 'active' });
    const stored = await queue.getJob(job.id!);
    expect(await stored?.getState()).toBe('failed');
    expect(stored?.attemptsMade).toBe(2);
  });

  it('a delayed job is not processed before its delay', async () => {
    const connection = bullmqConnection(redis);
    const name = uniqueQueue('delayed');
    const queue = track(new Queue(name, { connection, prefix }));
    const events = track(new QueueEvents(name, { connection, prefix }));
    await events.waitUntilReady();
    let processedAt = 0;
    const recordTime = async () => {
      processedAt = Date.now();
    };
    track(new Worker(name, recordTime, { connection, prefix }));
    const job = await queue.add('later', {}, { delay: 1500 });
    expect(await job.getState()).toBe('delayed');
    await job.waitUntilFinished(events, 15_000);
    expect(processedAt - job.timestamp).toBeGreaterThanOrEqual(1500);
  });

  it('a job scheduler produces a job every interval, each processed', async () => {
    const connection = bullmqConnection(redis);
    const name = uniqueQueue('scheduled');
    const queue = track(new Queue(name, { connection, prefix }));
    const runs: string[] = [];
    track(new Worker(name, async (job) => void runs.push(job.name), { connection, prefix }));
    await queue.upsertJobScheduler('every-300ms', { every: 300 }, { name: 'tick', data: {} });
    await cluster.waitFor(() => runs.length >= 4, { timeoutMs: 15_000, message: 'four scheduled runs' });
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((scheduler) => scheduler.key)).toEqual(['every-300ms']);
    expect(new Set(runs)).toEqual(new Set(['tick']));
    await queue.removeJobScheduler('every-300ms');
    expect(await queue.getJobSchedulers()).toEqual([]);
  });

  it('a flow runs its children first and the parent sees their results (one MULTI over two queues)', async () => {
    const connection = bullmqConnection(redis);
    const parentQueue = uniqueQueue('parents');
    const childQueue = uniqueQueue('children');
    const flows = track(new FlowProducer({ connection, prefix }));
    const events = track(new QueueEvents(parentQueue, { connection, prefix }));
    await events.waitUntilReady();
    const order: string[] = [];
    track(
      new Worker(
        childQueue,
        async (job: Job<{ part: string }>) => {
          order.push(job.data.part);
          return job.data.part.toUpperCase();
        },
        { connection, prefix },
      ),
    );
    track(
      new Worker(
        parentQueue,
        async (job) => {
          order.push('parent');
          return Object.values(await job.getChildrenValues()).sort();
        },
        { connection, prefix },
      ),
    );
    const tree = await flows.add({
      name: 'assemble',
      queueName: parentQueue,
      children: ['wheel', 'frame', 'seat'].map((part) => ({
        name: 'make',
        queueName: childQueue,
        data: { part },
      })),
    });
    await expect(tree.job.waitUntilFinished(events, 20_000)).resolves.toEqual(['FRAME', 'SEAT', 'WHEEL']);
    expect(order.at(-1)).toBe('parent');
    expect(order).toHaveLength(4);
    const dependencies = await tree.job.getDependencies();
    expect(Object.keys(dependencies.processed ?? {})).toHaveLength(3);
  });

  it('job logs are read back with a transaction, and progress reaches QueueEvents', async () => {
    const connection = bullmqConnection(redis);
    const name = uniqueQueue('logs');
    const queue = track(new Queue(name, { connection, prefix }));
    const events = track(new QueueEvents(name, { connection, prefix }));
    await events.waitUntilReady();
    const progress: unknown[] = [];
    events.on('progress', ({ data }) => progress.push(data));
    track(
      new Worker(
        name,
        async (job) => {
          await job.log('first line');
          await job.updateProgress(50);
          await job.log('second line');
          await job.updateProgress(100);
        },
        { connection, prefix },
      ),
    );
    const job = await queue.add('chatty', {});
    await job.waitUntilFinished(events, 15_000);
    expect(await queue.getJobLogs(job.id!)).toEqual({ logs: ['first line', 'second line'], count: 2 });
    expect(await queue.getJobLogs(job.id!, 0, -1, false)).toEqual({
      logs: ['second line', 'first line'],
      count: 2,
    });
    await cluster.waitFor(() => progress.length === 2, { timeoutMs: 5000, message: 'two progress events' });
    expect(progress).toEqual([50, 100]);
  });
});

describe('one shared connection', () => {
  let redis: ClusterConnection;
  beforeAll(async () => {
    redis = await new ClusterClient(cluster.seeds, { clientName: CLIENT_NAME }).getConnection();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('four workers and two listeners open no connection of their own: one per node, plus dedicated ones for blocking reads on the queue node', async () => {
    const connection = bullmqConnection(redis);
    const queueNode = cluster.primaries[2]!;
    const prefix = prefixOn(cluster, queueNode);
    const name = uniqueQueue('shared');
    const queue = track(new Queue(name, { connection, prefix }));
    for (let i = 0; i < 4; i++) track(new Worker(name, async () => 'ok', { connection, prefix }));
    for (let i = 0; i < 2; i++) track(new QueueEvents(name, { connection, prefix }));
    await queue.add('one', {});
    await cluster.waitFor(async () => (await queue.getCompletedCount()) === 1, {
      timeoutMs: 15_000,
      message: 'the job to complete',
    });
    // Idle now: the four workers wait in BZPOPMIN and the two listeners in XREAD, each on a dedicated connection.
    await cluster.waitFor(
      async () =>
        (await clientsNamed(cluster, queueNode, CLIENT_NAME)).filter((c) => c.flags.includes('b')).length ===
        6,
      { timeoutMs: 10_000, message: 'six blocked readers on the queue node' },
    );
    for (const node of cluster.primaries) {
      const clients = await clientsNamed(cluster, node, CLIENT_NAME);
      // The shared connection, plus (on the queue's node only) one dedicated connection per blocking reader.
      expect(clients.length).toBe(node === queueNode ? 1 + 6 : 1);
    }
  });

  it('closing workers and listeners ends their blocking reads on the server within a slice', async () => {
    const own = await new ClusterClient(cluster.seeds, {
      clientName: `${CLIENT_NAME}-close`,
    }).getConnection();
    const connection = bullmqConnection(own);
    const queueNode = cluster.primaries[0]!;
    const prefix = prefixOn(cluster, queueNode);
    const name = uniqueQueue('closing');
    const worker = new Worker(name, async () => 'ok', { connection, prefix });
    const events = new QueueEvents(name, { connection, prefix });
    await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
    const blocked = async () =>
      (await clientsNamed(cluster, queueNode, `${CLIENT_NAME}-close`)).filter((c) => c.flags.includes('b'))
        .length;
    await cluster.waitFor(async () => (await blocked()) === 2, {
      timeoutMs: 10_000,
      message: 'two blocked readers',
    });
    await worker.close();
    await events.close();
    // A worker's default block is 5 s and a listener's 10 s; abandoned, each ends with its current slice (1 s).
    await cluster.waitFor(async () => (await blocked()) === 0, {
      timeoutMs: 2500,
      intervalMs: 100,
      message: 'no blocked reader left',
    });
    await own.close();
    expect(own.isOpen).toBe(false);
  });

  it('a worker closed gracefully lets its active job finish and takes no new one', async () => {
    const connection = bullmqConnection(redis);
    const prefix = prefixOn(cluster, cluster.primaries[1]!);
    const name = uniqueQueue('graceful');
    const queue = track(new Queue(name, { connection, prefix }));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const worker = new Worker(
      name,
      async (job) => {
        started.push(job.id!);
        await released;
        return 'finished';
      },
      { connection, prefix },
    );
    const first = await queue.add('first', {});
    await cluster.waitFor(() => started.length === 1, {
      timeoutMs: 10_000,
      message: 'the first job to start',
    });
    await queue.add('second', {});
    const closing = worker.close();
    release();
    await closing;
    expect(await (await queue.getJob(first.id!))?.getState()).toBe('completed');
    expect(started).toEqual([first.id]);
    expect(await queue.getWaitingCount()).toBe(1);
  });

  it("a pipeline's script for an unresponsive primary fails with ConnectionClosedError, not as the job's error", async () => {
    const short = await new ClusterClient(cluster.seeds, { clientName: CLIENT_NAME }).getConnection({
      commandTimeoutMs: 300,
    });
    const paused = cluster.primaries[2]!;
    const key = `${prefixOn(cluster, paused)}:k`;
    try {
      const client = bullmqConnection(short);
      client.defineCommand('answer', { numberOfKeys: 1, lua: "return redis.call('GET', KEYS[1])" });
      await cluster.pause(paused);
      try {
        const failed = (await client.pipeline().runCommand('answer', [key]).exec())?.[0]?.[0];
        expect(failed).toBeInstanceOf(ConnectionClosedError);
        // Its reply did not come in time: timed out, or its connection replaced by the watchdog (outcome unknown).
        expect(['ERR_KEYSLOT_TIMEOUT', 'ERR_KEYSLOT_OUTCOME_UNKNOWN']).toContain(
          ((failed as Error).cause as { code?: string }).code,
        );
      } finally {
        await cluster.resume(paused);
      }
      // The same pipeline goes through once the primary answers again.
      expect(await client.pipeline().runCommand('answer', [key]).exec()).toEqual([[null, null]]);
    } finally {
      short.destroy();
    }
  });

  it("removeOrphanedJobs scans, page by page, the primary that owns the queue's hash tag, and never asks CLUSTER KEYSLOT", async () => {
    const connection = bullmqConnection(redis);
    const prefix = prefixOn(cluster, cluster.primaries[2]!);
    const name = uniqueQueue('orphans');
    const queue = track(new Queue(name, { connection, prefix }));
    const kept = await queue.addBulk(Array.from({ length: 20 }, (_, i) => ({ name: 'n', data: { i } })));
    // A job hash no state refers to: what removeOrphanedJobs is for.
    const orphan = `${prefix}:${name}:orphan-1`;
    await redis.hset(orphan, { name: 'lost', data: '{}' });
    const keyslotCalls = () => Promise.all(cluster.primaries.map((node) => keyslotCallsOf(node)));
    const before = await keyslotCalls();

    // COUNT 5: several SCAN pages, each on the tag's owner.
    expect(await queue.removeOrphanedJobs(5)).toBe(1);
    expect(await redis.exists(orphan)).toBe(0);
    expect(await queue.getWaitingCount()).toBe(kept.length);
    expect(await keyslotCalls()).toEqual(before);
  });

  it('a queue whose prefix has no hash tag is refused before anything is sent, with advice', async () => {
    const connection = bullmqConnection(redis);
    const queue = track(new Queue(uniqueQueue('untagged'), { connection }));
    const refused = await queue.add('x', {}).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'ERR_KEYSLOT_CROSS_SLOT' });
    expect((refused as Error).message).toMatch(/hash-tagged prefix, e\.g\. .*prefix: '\{bull\}'/);
  });
});
