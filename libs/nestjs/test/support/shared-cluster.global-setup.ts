// One cluster for the test files that only read and write their own keys; files that kill or stop nodes start
// their own. Started once in Vitest's main process; test files get its seeds with `sharedSeeds()`.
import { startCluster } from '@keyslot/dev-cluster';
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
  project.provide('keyslotSharedSeeds', cluster.seeds);
  return () => cluster.stop();
}
