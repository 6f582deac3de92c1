// `npm run bench -- --only outage`: the chaos suite's full outage (fault 4: every node stopped 10 s and restarted,
// 5,000 new reads a second, keyslot's default maxPending) for keyslot, ioredis and node-redis, each in a child of
// its own (outage-child.ts); what waiting costs while nothing can be served, and how soon each serves again.
import type { OutageClientName, OutageResult, OutageTask } from './outage-child.js';
import { runChild } from './spawn.js';

const CLIENTS: readonly OutageClientName[] = ['keyslot', 'ioredis', 'node-redis'];
const PEERS = CLIENTS.slice(1);
const MB = 1024 * 1024;

export async function runOutage(): Promise<OutageResult[]> {
  const results: OutageResult[] = [];
  for (const client of CLIENTS) {
    const task: OutageTask = { client };
    let result: OutageResult;
    try {
      result = await runChild<OutageResult>('outage-child.ts', task, 240_000);
    } catch (error) {
      console.error(`  outage ${client} FAILED: ${(error as Error).message}`);
      continue;
    }
    results.push(result);
    console.log(
      `  outage ${client.padEnd(10)} pending ${result.pending}  peak heap +${(result.peakHeapGrowthBytes / MB).toFixed(1)} MB  served ${seconds(result.servedAfterClusterOkMs)} after cluster_state:ok${result.error ? `  (did not finish: ${result.error})` : ''}`,
    );
    console.log(
      `  outage ${client.padEnd(10)} errors to callers: ${byCode(result.callerFailures)}; flood: ${byCode(result.floodFailures)}${result.resendsWhileRejoining === undefined ? '' : `; re-sent while rejoining: ${result.resendsWhileRejoining.toLocaleString('en-US')}`}`,
    );
  }
  return results;
}

/** `1,000 TIMEOUT, 250 OUTCOME_UNKNOWN`, or `none`. */
export function byCode(failures: Record<string, number> | undefined): string {
  const entries = Object.entries(failures ?? {});
  return entries.length === 0
    ? 'none'
    : entries.map(([code, n]) => `${n.toLocaleString('en-US')} ${code}`).join(', ');
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`;
}

/** One row per figure, one column per client, then keyslot's ratio to each peer (below 1: keyslot uses less). */
export function outageTable(results: readonly OutageResult[]): string {
  const keyslot = results.find((r) => r.client === 'keyslot');
  const peers = PEERS.map((client) => results.find((r) => r.client === client));
  const rows: [string, (r: OutageResult) => number | undefined, (value: number) => string][] = [
    ['pending at the end of the outage', (r) => r.pending, (v) => v.toLocaleString('en-US')],
    ['live heap per pending command', (r) => r.bytesPerPending, (v) => `${v.toLocaleString('en-US')} B`],
    ['live heap growth', (r) => r.liveHeapGrowthBytes, (v) => `+${(v / MB).toFixed(1)} MB`],
    [
      'peak heap over the healthy heap (no forced GC)',
      (r) => r.peakHeapGrowthBytes,
      (v) => `+${(v / MB).toFixed(1)} MB`,
    ],
    ['CPU, share of one core', (r) => r.cpuShare, (v) => `${Math.round(v * 100)}%`],
    ['commands retried (keyslot `stats().retries`)', (r) => r.retries, (v) => v.toLocaleString('en-US')],
    [
      'commands re-sent while the nodes rejoin (keyslot)',
      (r) => r.resendsWhileRejoining,
      (v) => v.toLocaleString('en-US'),
    ],
    ['errors reaching callers', (r) => r.callerErrors, (v) => v.toLocaleString('en-US')],
    ['connection attempts per node and second', (r) => r.dialsPerNodeSecond, (v) => v.toFixed(2)],
    ['served again after `cluster_state:ok`', (r) => r.servedAfterClusterOkMs, (v) => seconds(v)],
  ];
  const cell = (
    r: OutageResult | undefined,
    get: (r: OutageResult) => number | undefined,
    show: (v: number) => string,
  ) => {
    const value = r === undefined ? undefined : get(r);
    return value === undefined ? '' : show(value);
  };
  const ratio = (peer: OutageResult | undefined, get: (r: OutageResult) => number | undefined) => {
    const mine = keyslot === undefined ? undefined : get(keyslot);
    const theirs = peer === undefined ? undefined : get(peer);
    return mine === undefined || theirs === undefined || theirs === 0 ? '' : `${(mine / theirs).toFixed(2)}×`;
  };
  const breakdown = results.map(
    (r) => `- ${r.client}: callers ${byCode(r.callerFailures)}; flood ${byCode(r.floodFailures)}`,
  );
  return [
    `| during the steady outage | ${CLIENTS.join(' | ')} | ${PEERS.map((p) => `keyslot / ${p}`).join(' | ')} |`,
    `| --- | ${CLIENTS.map(() => '---:').join(' | ')} | ${PEERS.map(() => '---:').join(' | ')} |`,
    ...rows.map(
      ([label, get, show]) =>
        `| ${label} | ${CLIENTS.map((client) =>
          cell(
            results.find((r) => r.client === client),
            get,
            show,
          ),
        ).join(' | ')} | ${peers.map((peer) => ratio(peer, get)).join(' | ')} |`,
    ),
    '',
    'Errors by code, over the whole run (outage, restart and recovery):',
    '',
    ...breakdown,
  ].join('\n');
}
