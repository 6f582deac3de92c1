// The whole benchmark: a local 3+3 cluster, every client × scenario in rounds, the HTTP benchmark, the keyslot
// profiles, then tables on stdout and JSON in bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultServerChoice, ensureServer, startCluster } from '@keyslot/dev-cluster';
import { bullmqTable, runBullmq } from './bullmq.js';
import type { ChildTask } from './child.js';
import type { ClusterAddresses } from './clients/driver.js';
import { type ExperimentReport, experimentTables, runExperiments } from './experiment-runs.js';
import { httpTable, rotate, runHttp, summarizeHttp } from './http.js';
import { machineInfo } from './machine.js';
import { CLIENT_LABELS, SCENARIOS } from './names.js';
import { parseOptions, USAGE } from './options.js';
import { outageTable, runOutage } from './outage.js';
import { runProfiles } from './profile.js';
import { formatProfileSummary } from './profile-summary.js';
import {
  type FailedRun,
  instrumentationCostTable,
  overviewTable,
  type Run,
  ratios,
  ratioTable,
  scenarioTables,
  summarize,
  targets,
} from './report.js';
import { runScale } from './scale/run-scale.js';
import { BENCH_DIR, runScenarioChild } from './spawn.js';

function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(0)} s`;
}

export async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(argv, process.env);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const started = Date.now();
  const server = await ensureServer(options.server ?? defaultServerChoice());
  const machine = machineInfo(server);
  const resultsDir = path.join(BENCH_DIR, 'results');
  const outFile = path.resolve(options.out ?? path.join(resultsDir, 'latest.json'));
  console.log(
    `bench: ${machine.nproc} × ${machine.cpuModel}, Node ${machine.node}, ${machine.redisServer}; load average ${machine.loadAverageAtStart.join(' ')}`,
  );
  if (machine.loadAverageAtStart[0]! > machine.nproc * 0.5) {
    console.log(
      `bench: warning: the machine is busy (load ${machine.loadAverageAtStart[0]} on ${machine.nproc} CPUs); figures will be noisy`,
    );
  }
  if (options.scale) return runScale(options, machine, argv);
  if (options.matrix)
    console.log(
      `bench: ${options.rounds} round(s) × ${options.clients.length} clients × ${options.scenarios.length} scenarios, ${options.warmupMs} ms warm-up + ${options.durationMs} ms each`,
    );

  const cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1, server: server.name });
  try {
    const addresses: ClusterAddresses = {
      seeds: cluster.seeds,
      primaries: cluster.primaries.map((node) => node.address),
    };
    console.log(`bench: cluster up: primaries ${addresses.primaries.join(', ')} (+3 replicas)`);

    const runs: Run[] = [];
    const failures: FailedRun[] = [];
    for (let round = 1; options.matrix && round <= options.rounds; round++) {
      for (const scenario of SCENARIOS.filter((s) => options.scenarios.includes(s.name))) {
        // Alternate the order every round so no client always runs first (or right after the same one).
        for (const client of rotate(options.clients, round - 1 + SCENARIOS.indexOf(scenario))) {
          const task: ChildTask = {
            kind: 'scenario',
            client,
            scenario: scenario.name,
            cluster: addresses,
            warmupMs: options.warmupMs,
            durationMs: options.durationMs,
          };
          try {
            const result = await runScenarioChild(task);
            runs.push({ round, ...result });
            console.log(
              `  round ${round} ${scenario.name.padEnd(16)} ${CLIENT_LABELS[client].padEnd(16)} ${Math.round(
                result.opsPerSec,
              )
                .toString()
                .padStart(
                  8,
                )} ops/s  p50 ${result.p50Ms.toFixed(3)} ms  p99 ${result.p99Ms.toFixed(3)} ms  ${result.cpuUsPerOp.toFixed(1)} µs CPU/op  ${result.peakRssMb.toFixed(0)} MB${result.errors ? `  ${result.errors} errors` : ''}  [${elapsed(started)}]`,
            );
          } catch (error) {
            const message = (error as Error).message;
            failures.push({ round, client, scenario: scenario.name, error: message });
            console.error(`  round ${round} ${scenario.name} ${client} FAILED: ${message}`);
          }
        }
      }
    }

    const summaries = summarize(runs);
    const ratioList = ratios(summaries);
    const targetList = targets(summaries, ratioList);

    let http:
      | { runs: Awaited<ReturnType<typeof runHttp>>; summary: ReturnType<typeof summarizeHttp> }
      | undefined;
    if (options.http) {
      console.log(
        `bench: HTTP: GET /links/:code, autocannon ${options.httpConnections} connections × ${options.httpDurationS} s [${elapsed(started)}]`,
      );
      const httpRuns = await runHttp(addresses, {
        rounds: options.rounds,
        durationS: options.httpDurationS,
        connections: options.httpConnections,
        servers: options.httpServers,
      });
      http = { runs: httpRuns, summary: summarizeHttp(httpRuns) };
    }

    let profiles: Awaited<ReturnType<typeof runProfiles>> | undefined;
    if (options.profile) {
      console.log(`bench: profiling keyslot (node --cpu-prof) [${elapsed(started)}]`);
      try {
        profiles = await runProfiles(
          addresses,
          path.join(resultsDir, 'profiles'),
          options.warmupMs,
          options.profileDurationMs,
        );
      } catch (error) {
        console.error(`bench: profiling failed: ${(error as Error).message}`);
      }
    }

    let experiments: ExperimentReport | undefined;
    if (options.experiments) {
      console.log(`bench: experiments [${elapsed(started)}]`);
      experiments = await runExperiments(
        addresses,
        options.clients,
        options.rounds,
        options.warmupMs,
        options.durationMs,
      );
    }

    let bullmq: Awaited<ReturnType<typeof runBullmq>> | undefined;
    if (options.bullmq) {
      console.log(`bench: BullMQ on keyslot and on ioredis [${elapsed(started)}]`);
      bullmq = await runBullmq(addresses, options.rounds, options.warmupMs, options.durationMs);
    }

    let outage: Awaited<ReturnType<typeof runOutage>> | undefined;
    if (options.outage) {
      console.log(
        `bench: the full outage (chaos fault 4), each client on a cluster of its own [${elapsed(started)}]`,
      );
      outage = await runOutage();
    }

    if (summaries.length > 0) {
      console.log('');
      console.log('## Results (medians over rounds; in the overview, ops/s with client CPU µs per command)');
      console.log('');
      console.log(overviewTable(summaries, options.clients));
      console.log('');
      console.log(scenarioTables(summaries, options.clients));
      console.log('## keyslot against the best peer');
      console.log('');
      console.log(ratioTable(ratioList, targetList));
      const otelCost = instrumentationCostTable(summaries);
      if (otelCost) {
        console.log('');
        console.log('## @keyslot/otel on: its cost per command');
        console.log('');
        console.log(otelCost);
      }
    }
    if (http) {
      console.log('');
      console.log('## HTTP: GET /links/:code through Fastify');
      console.log('');
      console.log(httpTable(http.summary));
    }
    if (profiles) {
      for (const profile of profiles) {
        console.log('');
        console.log(
          `## keyslot profile: ${profile.scenario} (${Math.round(profile.opsPerSec)} ops/s, ${profile.cpuUsPerOp.toFixed(1)} µs CPU/op while profiled)`,
        );
        console.log('');
        console.log(formatProfileSummary(profile.summary));
      }
    }
    if (experiments) {
      console.log('');
      console.log('## Experiments');
      console.log('');
      console.log(experimentTables(experiments));
    }
    if (bullmq) {
      console.log('');
      console.log('## BullMQ: jobs per second (medians over rounds)');
      console.log('');
      console.log(bullmqTable(bullmq.summary));
    }
    if (outage) {
      console.log('');
      console.log('## The full outage: every node stopped 10 s, 5,000 new reads/s (chaos fault 4)');
      console.log('');
      console.log(outageTable(outage));
    }
    if (failures.length > 0) console.log(`\nbench: ${failures.length} run(s) failed; see above`);

    mkdirSync(path.dirname(outFile), { recursive: true });
    writeFileSync(
      outFile,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
          machine: { ...machine, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
          options,
          cluster: { primaries: 3, replicasPerPrimary: 1, nodeTimeoutMs: 2000 },
          summary: summaries,
          ratios: ratioList,
          targets: targetList,
          http,
          experiments,
          bullmq,
          outage,
          profiles: profiles?.map((p) => ({ ...p, file: path.relative(BENCH_DIR, p.file) })),
          runs,
          failures,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`\nbench: wrote ${path.relative(process.cwd(), outFile)} in ${elapsed(started)}`);
    return failures.length > 0 ? 1 : 0;
  } finally {
    await cluster.stop();
  }
}
