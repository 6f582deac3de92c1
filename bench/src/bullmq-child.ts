/**
 * BullMQ on one client, in a process of its own (forked by bullmq.ts): jobs added per second, then jobs processed per
 * second, each with the client process's CPU per job. keyslot: `bullmqConnection(ClusterConnection)`; ioredis: a
 * `Cluster` with `maxRetriesPerRequest: null`, as BullMQ asks. Queue prefix `{bench}` (one hash slot, as BullMQ
 * needs on a cluster), a fresh queue per run.
 */
import { Queue, Worker } from 'bullmq';
import { reportToParent } from './child-report.js';
import type { ClusterAddresses } from './clients/driver.js';

export type BullmqClientName = 'keyslot' | 'ioredis';

export interface BullmqTask {
  client: BullmqClientName;
  cluster: ClusterAddresses;
  warmupMs: number;
  durationMs: number;
}

/** One phase's figures. */
export interface BullmqPhase {
  jobsPerSec: number;
  cpuUsPerJob: number;
}

export interface BullmqResult {
  client: BullmqClientName;
  add: BullmqPhase;
  process: BullmqPhase;
}

/** Jobs added at once by the producer (each its own `queue.add`, as an app's request handlers would). */
const ADD_CONCURRENCY = 100;
/** Jobs waiting when the worker starts. */
const BACKLOG = 100_000;
/** The worker's concurrency: jobs in flight at once. */
const WORKER_CONCURRENCY = 50;

interface Connection {
  connection: unknown;
  close(): Promise<void>;
}

async function connect(task: BullmqTask): Promise<Connection> {
  if (task.client === 'keyslot') {
    const { ClusterClient } = await import('@keyslot/client');
    const { bullmqConnection } = await import('@keyslot/bullmq');
    const redis = await new ClusterClient(task.cluster.seeds).getConnection();
    return { connection: bullmqConnection(redis), close: () => redis.close() };
  }
  const { Cluster } = await import('ioredis');
  const cluster = new Cluster(
    task.cluster.primaries.map((address) => {
      const [host, port] = address.split(':');
      return { host: host!, port: Number(port) };
    }),
    { lazyConnect: true, redisOptions: { protocol: 3, maxRetriesPerRequest: null } },
  );
  await cluster.connect();
  return {
    connection: cluster,
    close: async () => {
      await cluster.quit();
    },
  };
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

async function run(task: BullmqTask): Promise<BullmqResult> {
  const { connection, close } = await connect(task);
  const prefix = '{bench}';
  const name = `bench-${task.client}-${process.pid}`;
  const queue = new Queue(name, { connection: connection as never, prefix });
  try {
    // Adding: ADD_CONCURRENCY adds in flight, again and again; only the measured window counts.
    let added = 0;
    let counting = false;
    let stop = false;
    const producer = (async () => {
      let n = 0;
      while (!stop) {
        const batch = Array.from({ length: ADD_CONCURRENCY }, () => queue.add('job', { n: n++ }));
        await Promise.all(batch);
        if (counting) added += ADD_CONCURRENCY;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, task.warmupMs));
    counting = true;
    let cpu = cpuMicros();
    let started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, task.durationMs));
    counting = false;
    const addSeconds = (performance.now() - started) / 1000;
    const addCpu = cpuMicros() - cpu;
    stop = true;
    await producer;
    const add = { jobsPerSec: added / addSeconds, cpuUsPerJob: addCpu / added };
    // A backlog the worker cannot empty within the measurement (added in bulk: not measured).
    for (let n = await queue.getWaitingCount(); n < BACKLOG; n += 1000) {
      await queue.addBulk(Array.from({ length: 1000 }, (_, i) => ({ name: 'job', data: { n: n + i } })));
    }

    // Processing the backlog just added: one worker, WORKER_CONCURRENCY jobs at once.
    let processed = 0;
    let countingDone = false;
    const worker = new Worker(name, async (job) => job.data.n, {
      connection: connection as never,
      prefix,
      concurrency: WORKER_CONCURRENCY,
    });
    worker.on('completed', () => {
      if (countingDone) processed++;
    });
    await new Promise((resolve) => setTimeout(resolve, task.warmupMs));
    countingDone = true;
    cpu = cpuMicros();
    started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, task.durationMs));
    countingDone = false;
    const processSeconds = (performance.now() - started) / 1000;
    const processCpu = cpuMicros() - cpu;
    const left = await queue.getWaitingCount();
    if (left === 0) throw new Error('the backlog ran out during the measurement: raise the add duration');
    await worker.close(true);
    return {
      client: task.client,
      add,
      process: { jobsPerSec: processed / processSeconds, cpuUsPerJob: processCpu / processed },
    };
  } finally {
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    await close();
  }
}

const task = JSON.parse(process.argv[2] ?? '{}') as BullmqTask;
await reportToParent(() => run(task));
