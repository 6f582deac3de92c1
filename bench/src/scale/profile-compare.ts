// keyslot's CPU profile at each cluster size, side by side: each function's sampled self time per command, so what
// grows with the number of nodes stands out.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ClusterAddresses } from '../clients/driver.js';
import { type ProfileSummary, summarizeProfile } from '../profile-summary.js';
import { BENCH_DIR } from '../spawn.js';
import { callersRun, markdownTable, refreshCostRun } from './scale-runs.js';
import type { ScaleContext } from './scale-section.js';

export interface ProfiledRun {
  primaries: number;
  ops: number;
  file: string;
  summary: ProfileSummary;
}

function profileArgs(name: string): { file: string; args: string[] } {
  const dir = path.join(BENCH_DIR, 'results', 'profiles');
  mkdirSync(dir, { recursive: true });
  return {
    file: path.join(dir, name),
    args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`, '--cpu-prof-interval=200'],
  };
}

/** Where one topology refresh's main-thread time goes: the functions with the most self time, in µs per refresh. */
export async function profileRefresh(
  cluster: ClusterAddresses,
  primaries: number,
  refreshes: number,
): Promise<string> {
  const { file, args } = profileArgs(`scale-refresh-${primaries}p.cpuprofile`);
  const result = await refreshCostRun({ cluster, refreshes }, args);
  const summary = summarizeProfile(file, { top: 12, fromUs: result.windowUs[0], toUs: result.windowUs[1] });
  return markdownTable(
    ['function', 'µs per refresh', 'self %'],
    summary.top.map((row) => [
      `\`${row.name} ${row.location}\``,
      ((row.selfMs * 1000) / refreshes).toFixed(1),
      row.selfPercent.toFixed(1),
    ]),
  );
}

export async function profileKeyslot(
  context: ScaleContext,
  cluster: ClusterAddresses,
  primaries: number,
  callers: number,
): Promise<ProfiledRun> {
  const { file, args } = profileArgs(`scale-keyslot-${primaries}p.cpuprofile`);
  const { options } = context;
  const result = await callersRun(
    context,
    {
      client: 'keyslot',
      cluster,
      plan: { callers },
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
    },
    `${primaries}p profiled`,
    args,
  );
  const summary = summarizeProfile(file, { top: 200, fromUs: result.windowUs[0], toUs: result.windowUs[1] });
  return { primaries, ops: result.ops, file: path.relative(BENCH_DIR, file), summary };
}

/** Sampled self µs per command of the functions that cost most at the largest size, at every size. */
export function profileTable(runs: readonly ProfiledRun[], rows = 15): string {
  if (runs.length === 0) return '';
  const largest = runs.reduce((a, b) => (b.primaries > a.primaries ? b : a));
  const perCommand = (run: ProfiledRun, key: string) => {
    const row = run.summary.top.find((r) => `${r.name} ${r.location}` === key);
    return row === undefined ? 0 : (row.selfMs * 1000) / run.ops;
  };
  const keys = largest.summary.top
    .filter((row) => row.name !== '(idle)')
    .slice(0, rows)
    .map((row) => `${row.name} ${row.location}`);
  const sampled = (run: ProfiledRun) => {
    const idle = run.summary.top.find((row) => row.name === '(idle)')?.selfMs ?? 0;
    return ((run.summary.sampledMs - idle) * 1000) / run.ops;
  };
  return markdownTable(
    ['function', ...runs.map((run) => `µs/cmd at ${run.primaries}`)],
    [
      ['every sample but (idle)', ...runs.map((run) => sampled(run).toFixed(2))],
      ...keys.map((key) => [`\`${key}\``, ...runs.map((run) => perCommand(run, key).toFixed(3))]),
    ],
  );
}
