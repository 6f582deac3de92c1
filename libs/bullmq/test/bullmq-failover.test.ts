// Workers processing while the primary that holds the queue fails: SIGKILLed (a replica is promoted), or handed
// over with CLUSTER FAILOVER. Every job must complete at least once; every job run twice must be explained.
import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bullmqConnection, type KeyslotBullmqClient } from '../src/index.js';
import { prefixOn, uniqueQueue } from './support.js';

const JOBS = 400;
/** How long each job works: ten run at once, so the queue takes seconds, and the failure lands in the middle. */
const WORK_MS = 30;

/** Producer, workers and listener on one queue, and what each saw. */
interface Run {
  queue: Queue;
  workers: Worker[];
  events: QueueEvents;
  /** How many times each job's processor ran. */
  runs: Map<string, number>;
  /** Jobs the stalled check moved back to wait (their lock expired before they were marked done). */
  stalled: Set<string>;
  /** Errors BullMQ reported (it retries after each). */
  errors: string[];
  /** Failed add attempts the producer retried. */
  addRetries: number;
  /** Adds jobs `from` to `to` - 1, one at a time, each until it is acknowledged. */
  produce(from: number, to: number): Promise<void>;
}

function startRun(connection: KeyslotBullmqClient, prefix: string): Run {
  const name = uniqueQueue('failover');
  const run: Run = {
    queue: new Queue(name, { connection, prefix }),
    workers: [],
    events: new QueueEvents(name, { connection, prefix }),
    runs: new Map(),
    stalled: new Set(),
    errors: [],
    addRetries: 0,
    // Fixed job IDs: an add whose outcome is unknown is simply added again, and BullMQ keeps one job per ID.
    async produce(from, to) {
      for (let n = from; n < to; n++) {
        for (;;) {
          try {
            await run.queue.add('work', { n }, { jobId: `job-${n}` });
            break;
          } catch {
            run.addRetries++;
          }
        }
      }
    },
  };
  run.queue.on('error', (error) => run.errors.push(`queue: ${error.message}`));
  run.events.on('error', (error) => run.errors.push(`events: ${error.message}`));
  run.events.on('stalled', ({ jobId }) => run.stalled.add(jobId));
  for (let i = 0; i < 2; i++) {
    const worker = new Worker(
      name,
      async (job) => {
        run.runs.set(job.id!, (run.runs.get(job.id!) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, WORK_MS)); // the job's own work, not a wait for a result
        return job.data.n;
      },
      // Short locks, so that a job whose first run's end was lost in the failure is found and run again within
      // seconds; a failed attempt to record a result is tried again after a second.
      {
        connection,
        prefix,
        concurrency: 5,
        lockDuration: 4000,
        stalledInterval: 1000,
        maxStalledCount: 100,
        runRetryDelay: 1000,
      },
    );
    worker.on('error', (error) => run.errors.push(`worker: ${error.message}`));
    worker.on('stalled', (jobId) => run.stalled.add(jobId));
    run.workers.push(worker);
  }
  return run;
}

async function audit(cluster: DevCluster, run: Run) {
  await cluster.waitFor(async () => (await run.queue.getCompletedCount()) === JOBS, {
    timeoutMs: 60_000,
    intervalMs: 250,
    message: `all ${JOBS} jobs to complete`,
  });
  const missing: string[] = [];
  for (let n = 0; n < JOBS; n++) {
    const job = await run.queue.getJob(`job-${n}`);
    if (job === undefined || job.returnvalue !== n) missing.push(`job-${n}`);
  }
  const failed = await run.queue.getFailedCount();
  const neverRun = [...Array(JOBS).keys()].map((n) => `job-${n}`).filter((id) => !run.runs.has(id));
  const duplicates = [...run.runs].filter(([, count]) => count > 1).map(([id]) => id);
  const unexplained = duplicates.filter((id) => !run.stalled.has(id));
  return { missing, neverRun, duplicates, unexplained, failed };
}

async function closeRun(run: Run | undefined): Promise<void> {
  if (!run) return;
  for (const worker of run.workers) await worker.close();
  await run.events.close();
  await run.queue.close();
}

describe('BullMQ while the queue node fails', () => {
  let cluster: DevCluster;
  let redis: ClusterConnection;
  let run: Run | undefined;
  beforeEach(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
    redis = await new ClusterClient(cluster.seeds).getConnection();
  });
  afterEach(async () => {
    await closeRun(run);
    run = undefined;
    redis?.destroy();
    await cluster?.stop();
  });

  it('SIGKILL of its primary: no job lost, each completed at least once, every duplicate run explained by the stalled check', async () => {
    const victim = cluster.primaries[0]!;
    const heir = cluster.replicasOf(victim)[0]!;
    run = startRun(bullmqConnection(redis), prefixOn(cluster, victim));
    const current = run;
    await current.produce(0, JOBS / 2);
    await cluster.waitFor(async () => (await current.queue.getCompletedCount()) >= 50, {
      timeoutMs: 20_000,
      message: '50 jobs completed before the kill',
    });
    // The second half is added while the primary dies and its replica takes over.
    const secondHalf = current.produce(JOBS / 2, JOBS);
    const inFlightAtKill = JOBS / 2 - (await current.queue.getCompletedCount());
    await cluster.kill(victim);
    await cluster.waitFor(
      async () => {
        await cluster.refresh();
        return heir.role === 'primary';
      },
      { timeoutMs: 30_000, message: 'the replica to be promoted' },
    );
    await secondHalf;
    const result = await audit(cluster, current);
    console.log(
      `[bullmq sigkill] ${JSON.stringify({ jobs: JOBS, notDoneAtKill: inFlightAtKill, duplicates: result.duplicates, stalled: current.stalled.size, addRetries: current.addRetries, errors: [...new Set(current.errors)] })}`,
    );
    expect(current.addRetries).toBeGreaterThan(0); // the failure did land while jobs were being added
    expect(result.missing).toEqual([]);
    expect(result.neverRun).toEqual([]);
    expect(result.unexplained).toEqual([]);
    expect(result.failed).toBe(0);
  });

  it('CLUSTER FAILOVER of its primary: no job lost, none run twice', async () => {
    const primary = cluster.primaries[1]!;
    const replica = cluster.replicasOf(primary)[0]!;
    run = startRun(bullmqConnection(redis), prefixOn(cluster, primary));
    const current = run;
    await current.produce(0, JOBS / 2);
    await cluster.waitFor(async () => (await current.queue.getCompletedCount()) >= 50, {
      timeoutMs: 20_000,
      message: '50 jobs completed before the failover',
    });
    const secondHalf = current.produce(JOBS / 2, JOBS);
    await cluster.failover(replica);
    await secondHalf;
    const result = await audit(cluster, current);
    console.log(
      `[bullmq failover] ${JSON.stringify({ jobs: JOBS, duplicates: result.duplicates.length, addRetries: current.addRetries, errors: current.errors })}`,
    );
    expect(result.missing).toEqual([]);
    expect(result.neverRun).toEqual([]);
    expect(result.duplicates).toEqual([]);
    expect(current.errors).toEqual([]);
  });
});
