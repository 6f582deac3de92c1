// CPU profiles of keyslot's hot path: the child runs under `node --cpu-prof`, and the samples of its measured
// window are summarised by profile-summary.ts.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ClusterAddresses } from './clients/driver.js';
import { CLIENT_NAMES, type ClientName, type ScenarioName } from './names.js';
import { type ProfileSummary, summarizeProfile } from './profile-summary.js';
import { runScenarioChild } from './spawn.js';

export const PROFILED_SCENARIOS: readonly ScenarioName[] = [
  'concurrent-1000',
  'promise-all-1000',
  'batch-1000',
];

export interface ProfileRun {
  scenario: ScenarioName;
  file: string;
  /** The profiled run's own figures (slower than unprofiled runs: sampling costs CPU). */
  opsPerSec: number;
  cpuUsPerOp: number;
  summary: ProfileSummary;
}

export async function runProfiles(
  cluster: ClusterAddresses,
  dir: string,
  warmupMs: number,
  durationMs: number,
): Promise<ProfileRun[]> {
  mkdirSync(dir, { recursive: true });
  const client = profiledClient();
  const out: ProfileRun[] = [];
  for (const scenario of PROFILED_SCENARIOS) {
    const name = `${client}-${scenario}.cpuprofile`;
    const result = await runScenarioChild(
      { kind: 'scenario', client, scenario, cluster, warmupMs, durationMs },
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`, '--cpu-prof-interval=200'],
      60_000,
    );
    const file = path.join(dir, name);
    const summary = summarizeProfile(file, { top: 25, fromUs: result.windowUs[0], toUs: result.windowUs[1] });
    out.push({ scenario, file, opsPerSec: result.opsPerSec, cpuUsPerOp: result.cpuUsPerOp, summary });
  }
  return out;
}

/** keyslot unless `BENCH_PROFILE_CLIENT` names another client (e.g. `keyslot-otel-batch`, to see where otel's cost goes). */
function profiledClient(): ClientName {
  const named = process.env.BENCH_PROFILE_CLIENT;
  if (named === undefined || named === '') return 'keyslot';
  if (!CLIENT_NAMES.includes(named as ClientName)) {
    throw new Error(`BENCH_PROFILE_CLIENT must be one of ${CLIENT_NAMES.join(', ')}, got ${named}`);
  }
  return named as ClientName;
}
