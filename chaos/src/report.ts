// The figures of a run: a table for people (printed, and pasted into the README) and JSON for machines.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScenarioResult } from './run-scenario.js';
import { MB } from './sampler.js';
import type { ChaosSettings } from './settings.js';

const COLUMNS = [
  '#',
  'fault',
  'client',
  'issued',
  'succeeded',
  'failed (by code)',
  'of which on unaffected shards',
  'outcome-unknown writes',
  'acked writes lost',
  'duplicates',
  'time to recover',
  'peak pending',
  'peak RSS / heap',
] as const;

function seconds(ms: number | undefined): string {
  if (ms === undefined) return 'never';
  // A mark polled from outside (e.g. cluster_state:ok) may be noticed a few ms after the callers were served.
  return `${(Math.max(0, ms) / 1000).toFixed(2)} s`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** One table row per scenario. */
export function tableRows(results: readonly ScenarioResult[]): string[][] {
  return results.map((r) => {
    const byLabel = (failures: Record<string, number>) =>
      Object.entries(failures)
        .map(([label, n]) => `${count(n)} ${label}`)
        .join(', ');
    const flood = Object.keys(r.floodFailures).length > 0 ? `flood: ${byLabel(r.floodFailures)}` : '';
    const callers = r.callerErrors > 0 ? `callers: ${byLabel(r.failures)}` : '';
    const failures = [callers, flood].filter(Boolean).join('; ');
    let recovery = seconds(r.recoveryMs);
    if (r.recoveryAfterMark)
      recovery += ` (${seconds(r.recoveryAfterMark.ms)} after ${r.recoveryAfterMark.label})`;
    const unsettled = r.unsettled > 0 ? ` (${count(r.unsettled)} NEVER SETTLED)` : '';
    return [
      r.number,
      r.error ? `${r.title} — FAILED: ${r.error}` : r.title,
      r.client,
      count(r.issued) + unsettled,
      count(r.succeeded),
      r.failed === 0 ? '0' : `${count(r.failed)}: ${failures}`,
      count(r.unaffectedCallerErrors),
      count(r.writes.outcomeUnknown),
      count(r.lostAcked),
      count(r.duplicates),
      recovery,
      r.client === 'keyslot'
        ? `${count(r.peakPending)} (max ${count(r.maxPending)})`
        : `${count(r.peakPending)}*`,
      `${Math.round(r.peakRssBytes / MB)} / ${Math.round(r.peakHeapUsedBytes / MB)} MB`,
    ];
  });
}

/** A Markdown table of the results. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const rows = tableRows(results);
  const escapeCell = (cell: string) => cell.replaceAll('|', '\\|');
  const lines = [
    `| ${COLUMNS.join(' | ')} |`,
    `| ${COLUMNS.map((_, i) => (i >= 3 && i !== 5 && i !== 10 ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/**
 * One row per fault, one column per client: errors that reached the callers (and flood commands that failed),
 * duplicates, time to recover, peak pending and (faults 4 and 5) live heap growth. For a run with the peers.
 */
export function formatComparison(results: readonly ScenarioResult[]): string {
  const clients = [...new Set(results.map((r) => r.client))];
  const faults = [...new Map(results.map((r) => [r.number, r.title])).entries()];
  const cell = (r: ScenarioResult | undefined): string => {
    if (r === undefined) return '';
    const flooded = r.failed - r.callerErrors;
    const parts = [
      `${count(r.callerErrors)} errors${flooded > 0 ? ` (+${count(flooded)} flood commands refused)` : ''}`,
      ...(r.duplicates > 0 ? [`**${count(r.duplicates)} duplicates**`] : []),
      ...(r.lostAcked > 0 ? [`${count(r.lostAcked)} acked lost`] : []),
      r.recoveryAfterMark
        ? `served ${seconds(r.recoveryAfterMark.ms)} after ${r.recoveryAfterMark.label}`
        : `recovered in ${seconds(r.recoveryMs)}`,
      `peak pending ${count(r.peakPending)}`,
      ...(r.heapGrowthBytes > 0 ? [`live heap +${Math.round(r.heapGrowthBytes / MB)} MB`] : []),
      ...(r.error ? [`did not finish: ${r.error.split(':')[0]}`] : []),
    ];
    return parts.join(' · ');
  };
  const lines = [
    `| fault | ${clients.join(' | ')} |`,
    `| --- | ${clients.map(() => '---').join(' | ')} |`,
    ...faults.map(
      ([number, title]) =>
        `| ${number}. ${title} | ${clients.map((client) => cell(results.find((r) => r.number === number && r.client === client))).join(' | ')} |`,
    ),
  ];
  return lines.join('\n');
}

/** Where the run happened: enough to compare figures only within one machine. */
export function machine(): Record<string, unknown> {
  let redis = 'unknown';
  try {
    redis = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // not on PATH: the suite could not have run anyway
  }
  return {
    node: process.version,
    redis,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    totalMemoryMB: Math.round(os.totalmem() / MB),
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** Writes the figures to `<dir>/latest.json` and `<dir>/<form>.json` (short, full, full-with-peers...); returns the paths. */
export function writeResults(
  dir: string,
  settings: ChaosSettings,
  results: readonly ScenarioResult[],
  durationMs: number,
): string[] {
  mkdirSync(dir, { recursive: true });
  const document = {
    finishedAt: new Date().toISOString(),
    durationMs,
    settings,
    machine: machine(),
    table: formatTable(results),
    ...(settings.clients.length > 1 ? { comparison: formatComparison(results) } : {}),
    results,
  };
  const text = `${JSON.stringify(document, null, 2)}\n`;
  const form = settings.clients.length > 1 ? `${settings.mode}-with-peers` : settings.mode;
  const files = [path.join(dir, 'latest.json'), path.join(dir, `${form}.json`)];
  for (const file of files) writeFileSync(file, text);
  return files;
}
