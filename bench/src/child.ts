/**
 * One client, one scenario, in a process of its own: `node --conditions=@keyslot/source --import tsx
 * bench/src/child.ts <json task>`. Forked by bench.ts (and http.ts, profile.ts); sends its result over IPC, exits.
 */
import { reportToParent } from './child-report.js';
import { type ClusterAddresses, loadDriver } from './clients/driver.js';
import { type ExperimentName, installExperiments } from './experiments.js';
import { keysForEverySlot, VALUE } from './keys.js';
import { linkUrl, linkUrlKey } from './links.js';
import type { ClientName, ScenarioName } from './names.js';
import { type Measurement, runScenario } from './scenarios.js';
import { within } from './time.js';

export interface ChildTask {
  kind: 'scenario';
  client: ClientName;
  scenario: ScenarioName;
  cluster: ClusterAddresses;
  warmupMs: number;
  durationMs: number;
  /** Diagnostics or prototypes to apply first (see experiments.ts); none in the default runs. */
  experiments?: ExperimentName[];
}

export interface SeedTask {
  kind: 'seed';
  cluster: ClusterAddresses;
  count: number;
}

/** One scenario's measurement, with who ran it and the child's peak memory. */
export interface ChildResult extends Measurement {
  client: ClientName;
  scenario: ScenarioName;
  peakRssMb: number;
}

async function runTask(task: ChildTask): Promise<ChildResult> {
  const keys = keysForEverySlot();
  if (task.experiments) await installExperiments(task.experiments);
  const driver = await loadDriver(task.client, task.cluster);
  try {
    // Sanity: the driver really talks to the cluster and reads back what it wrote.
    await driver.set(keys[0]!, VALUE);
    const read = await driver.get(keys[0]!);
    if (String(read) !== VALUE)
      throw new Error(`${task.client}: GET returned ${String(read)}, expected ${VALUE}`);
    const measured = await runScenario(task.scenario, driver, keys, task.warmupMs, task.durationMs);
    return {
      client: task.client,
      scenario: task.scenario,
      ...measured,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await within(driver.close(), 2_000);
  }
}

/** Writes the links the HTTP benchmark resolves, with keyslot (one batch per 1,000 keys). */
async function seed(task: SeedTask): Promise<{ seeded: number }> {
  const { ClusterClient } = await import('@keyslot/client');
  const connection = await new ClusterClient(task.cluster.seeds).getConnection();
  try {
    for (let base = 0; base < task.count; base += 1000) {
      const batch = connection.batch();
      for (let i = base; i < Math.min(task.count, base + 1000); i++) {
        batch.set(linkUrlKey(i), linkUrl(i, VALUE));
      }
      const results = await batch.exec();
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    }
  } finally {
    await connection.close();
  }
  return { seeded: task.count };
}

const task = JSON.parse(process.argv[2] ?? '{}') as ChildTask | SeedTask;
await reportToParent(() => (task.kind === 'seed' ? seed(task) : runTask(task)));
