// The soak: random faults from the suite on one cluster for CHAOS_SOAK_MS (`npm run chaos -- --soak 10m`). Its
// bounds: every fault followed by every caller served again and the live heap back near its baseline; at the end
// no duplicate, no confirmed write lost, every promise settled. Figures go to chaos/results/soak.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { machine } from '../src/report.js';
import { MB } from '../src/sampler.js';
import { runSoak, type SoakResult } from '../src/soak.js';

const durationMs = Number(process.env.CHAOS_SOAK_MS);
const callers = Number(process.env.CHAOS_CALLERS ?? 200);
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 2 ** 31);
/** How far above its baseline the live heap may be once the callers are served again after a fault. */
const HEAP_TOLERANCE_BYTES = 16 * MB;

it(`soak: random faults for ${Math.round(durationMs / 1000)} s under ${callers} callers (seed ${seed})`, async () => {
  expect(durationMs, 'CHAOS_SOAK_MS: run it with npm run chaos -- --soak 10m').toBeGreaterThan(0);
  const result = await runSoak({ durationMs, callers, seed }, (line) => console.log(line));
  report(result);
  const context = JSON.stringify({
    error: result.error,
    rounds: result.rounds.filter((round) => round.error),
  });
  expect.soft(result.error, context).toBeUndefined();
  expect.soft(result.rounds.length, context).toBeGreaterThan(0);
  for (const round of result.rounds) {
    const about = `${round.fault} at +${Math.round(round.startedAt / 1000)} s: ${JSON.stringify(round)}`;
    expect.soft(round.error, about).toBeUndefined();
    expect.soft(round.servedAgainMs, about).toBeDefined();
    expect.soft(round.heapAboveBaselineBytes, about).toBeLessThan(HEAP_TOLERANCE_BYTES);
  }
  expect.soft(result.unsettled, 'commands never settled').toBe(0);
  expect.soft(result.pendingAtEnd, 'conn.stats().pending at the end').toBe(0);
  expect.soft(result.duplicates, 'INCRs applied more often than issued').toBe(0);
  expect.soft(result.lostConfirmed, 'acknowledged INCRs lost though WAIT confirmed them').toBe(0);
  expect.soft(result.lossBeyondWindow).toBe(false);
  // Only a SIGKILL (or a stall long enough for a failover) lets asynchronous replication lose acknowledged writes.
  if (!result.rounds.some((round) => round.fault === 'kill')) expect.soft(result.lostAcked).toBe(0);
  expect.soft(result.confirmedWrites).toBeGreaterThan(0);
});

function report(result: SoakResult): void {
  const dir = fileURLToPath(new URL('../results', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'soak.json');
  writeFileSync(
    file,
    `${JSON.stringify({ finishedAt: new Date().toISOString(), machine: machine(), ...result }, null, 2)}\n`,
  );
  const byFault = new Map<string, number[]>();
  for (const round of result.rounds)
    byFault.set(round.fault, [...(byFault.get(round.fault) ?? []), round.servedAgainMs ?? Number.NaN]);
  const lines = [...byFault].map(
    ([fault, times]) => `| ${fault} | ${times.length} | ${(Math.max(...times) / 1000).toFixed(2)} s |`,
  );
  const maxHeap = Math.max(...result.rounds.map((round) => round.heapAboveBaselineBytes));
  console.log(
    [
      `\nsoak, ${Math.round(result.durationMs / 1000)} s, seed ${result.settings.seed}: ${result.rounds.length} faults; ${result.issued.toLocaleString('en-US')} commands, ${result.acked.toLocaleString('en-US')} INCRs acknowledged (${result.confirmedWrites.toLocaleString('en-US')} confirmed by WAIT), ${result.outcomeUnknown} outcome unknown`,
      `duplicates ${result.duplicates}, acknowledged lost ${result.lostAcked} (confirmed lost ${result.lostConfirmed}), never settled ${result.unsettled}, pending at the end ${result.pendingAtEnd}`,
      `live heap baseline ${(result.baselineHeapBytes / MB).toFixed(1)} MB, at most ${(maxHeap / MB).toFixed(1)} MB above it after a fault`,
      '',
      '| fault | drawn | slowest served again after the repair |',
      '| --- | ---: | ---: |',
      ...lines,
      `\nfigures: ${file}\n`,
    ].join('\n'),
  );
}
