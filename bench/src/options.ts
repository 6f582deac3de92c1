import {
  CLIENT_NAMES,
  type ClientName,
  OTEL_CLIENTS,
  SCENARIO_NAMES,
  type ScenarioName,
  SERVER_NAMES,
  type ServerName,
} from './names.js';
import type { ScaleSectionName } from './scale/scale-section.js';
import { SCALE_SECTION_NAMES } from './scale/sections.js';

export interface BenchOptions {
  quick: boolean;
  rounds: number;
  warmupMs: number;
  durationMs: number;
  clients: ClientName[];
  scenarios: ScenarioName[];
  /** Run the client × scenario matrix. */
  matrix: boolean;
  http: boolean;
  httpServers: ServerName[];
  httpDurationS: number;
  httpConnections: number;
  profile: boolean;
  /** I/O counts and the flush prototype (experiment-runs.ts); off unless asked for. */
  experiments: boolean;
  /** BullMQ on keyslot against BullMQ on ioredis (bullmq.ts); off unless asked for. */
  bullmq: boolean;
  /** The full outage of chaos fault 4 for keyslot and the peers (outage.ts); off unless asked for. */
  outage: boolean;
  profileDurationMs: number;
  /** `--scale` (issue 23): only the scale sections, each on clusters of its own; nothing else runs. */
  scale: boolean;
  scaleParts: ScaleSectionName[];
  /** Primary counts of the 'nodes' section. */
  scalePrimaries: number[];
  /** The one rate (ops/s) both caller counts of the 'callers' section are paced to. */
  scaleRate: number;
  out: string | undefined;
  /** The Redis server the cluster runs (dev-cluster's choice): undefined for its default. */
  server: string | undefined;
}

export const USAGE = `npm run bench [-- options]

  --quick               smoke run: 1 round, 0.3 s warm-up + 1 s per scenario, 2 s HTTP runs, no profile
  --rounds N            rounds over every client and scenario (default 3)
  --duration MS         measured time per scenario run (default 3000)
  --warmup MS           warm-up before each measurement (default 750)
  --clients a,b         among ${CLIENT_NAMES.join(', ')}
  --otel                also run keyslot with @keyslot/otel on, for the instrumentation's cost: registered
                        without an SDK, with a batch and with a simple span processor (${OTEL_CLIENTS.join(', ')})
  --scenarios a,b       among ${SCENARIO_NAMES.join(', ')}
  --only PARTS          run only some of: matrix, http, profile, experiments, bullmq, outage (comma-separated);
                        experiments (I/O counts, a flush prototype), bullmq (jobs/s of BullMQ on
                        keyslot and on an ioredis Cluster) and outage (chaos fault 4, every node down 10 s,
                        for keyslot, ioredis and node-redis) never run unless named here
  --no-http             skip the HTTP benchmark
  --http-duration S     seconds per HTTP run (default 5)
  --http-connections N  autocannon connections (default 100)
  --no-profile          skip the keyslot CPU profiles
  --profile             profile even in --quick mode
  --scale               issue 23's scale benchmark instead of everything above: keyslot and the peers on
                        clusters of 3, 12 and 30 primaries, and 1,000 against 10,000 callers on one connection
  --scale-parts a,b     run only some scale sections (implies --scale): ${SCALE_SECTION_NAMES.join(', ')}
  --scale-primaries a,b primary counts of the nodes section (default 3,12,30; one replica each)
  --scale-rate N        ops/s the callers section paces both caller counts to (default 20000)
  --out FILE            JSON results (default bench/results/latest.json)
  --server NAME         the cluster's server: system (Debian's redis-server, the default), redis-7.4.1,
                        valkey-8.0.1... (built once from its tarball; see tools/dev-cluster/README.md)
  --help

Environment: BENCH_QUICK=1, BENCH_ROUNDS, BENCH_DURATION_MS, BENCH_WARMUP_MS, BENCH_CLIENTS, BENCH_SCENARIOS,
BENCH_HTTP=0, BENCH_HTTP_DURATION_S, BENCH_PROFILE=0, BENCH_PROFILE_CLIENT=<client>, BENCH_OTEL=1, KEYSLOT_SERVER (flags win);
BENCH_SCALE_EXPERIMENTS=flush-immediate applies a prototype of experiments.ts in every --scale child.`;

function list<T extends string>(value: string, allowed: readonly T[], what: string): T[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item as T))
      throw new Error(`unknown ${what} '${item}'; choose from ${allowed.join(', ')}`);
  }
  return items as T[];
}

function positiveNumber(value: string | undefined, name: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new Error(`${name} needs a positive number, got '${value}'`);
  return number;
}

/** Whole numbers of primaries a dev cluster can have: at least 3 (a cluster needs a majority), at most 100. */
function primaryCounts(value: string, name: string): number[] {
  const counts = value.split(',').map((item) => Number(item.trim()));
  for (const count of counts) {
    if (!Number.isInteger(count) || count < 3 || count > 100)
      throw new Error(`${name} takes whole numbers from 3 to 100, got '${value}'`);
  }
  return counts;
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions | 'help' {
  const quick = argv.includes('--quick') || env.BENCH_QUICK === '1';
  const options: BenchOptions = {
    quick,
    rounds: quick ? 1 : 3,
    warmupMs: quick ? 300 : 750,
    durationMs: quick ? 1000 : 3000,
    clients: CLIENT_NAMES.filter((name) => !OTEL_CLIENTS.includes(name)),
    scenarios: [...SCENARIO_NAMES],
    matrix: true,
    http: true,
    httpServers: [...SERVER_NAMES],
    httpDurationS: quick ? 2 : 5,
    httpConnections: 100,
    profile: !quick,
    experiments: false,
    bullmq: false,
    outage: false,
    profileDurationMs: quick ? 1000 : 4000,
    scale: false,
    scaleParts: [...SCALE_SECTION_NAMES],
    scalePrimaries: [3, 12, 30],
    scaleRate: 20_000,
    out: undefined,
    server: undefined,
  };
  if (env.BENCH_ROUNDS) options.rounds = Math.round(positiveNumber(env.BENCH_ROUNDS, 'BENCH_ROUNDS'));
  if (env.BENCH_DURATION_MS) options.durationMs = positiveNumber(env.BENCH_DURATION_MS, 'BENCH_DURATION_MS');
  if (env.BENCH_WARMUP_MS) options.warmupMs = positiveNumber(env.BENCH_WARMUP_MS, 'BENCH_WARMUP_MS');
  if (env.BENCH_CLIENTS) options.clients = list(env.BENCH_CLIENTS, CLIENT_NAMES, 'client');
  if (env.BENCH_SCENARIOS) options.scenarios = list(env.BENCH_SCENARIOS, SCENARIO_NAMES, 'scenario');
  if (env.BENCH_HTTP === '0') options.http = false;
  if (env.BENCH_HTTP_DURATION_S)
    options.httpDurationS = positiveNumber(env.BENCH_HTTP_DURATION_S, 'BENCH_HTTP_DURATION_S');
  if (env.BENCH_PROFILE === '0') options.profile = false;
  let roundsGiven = env.BENCH_ROUNDS !== undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = () => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      return value;
    };
    switch (arg) {
      case '--quick':
      case '--otel':
        break;
      case '--help':
      case '-h':
        return 'help';
      case '--rounds':
        options.rounds = Math.round(positiveNumber(next(), arg));
        roundsGiven = true;
        break;
      case '--duration':
        options.durationMs = positiveNumber(next(), arg);
        break;
      case '--warmup':
        options.warmupMs = positiveNumber(next(), arg);
        break;
      case '--clients':
        options.clients = list(next(), CLIENT_NAMES, 'client');
        break;
      case '--scenarios':
        options.scenarios = list(next(), SCENARIO_NAMES, 'scenario');
        break;
      case '--only': {
        const parts = list(
          next(),
          ['matrix', 'http', 'profile', 'experiments', 'bullmq', 'outage'] as const,
          'part',
        );
        options.matrix = parts.includes('matrix');
        options.http = parts.includes('http');
        options.profile = parts.includes('profile');
        options.experiments = parts.includes('experiments');
        options.bullmq = parts.includes('bullmq');
        options.outage = parts.includes('outage');
        break;
      }
      case '--scale':
        options.scale = true;
        break;
      case '--scale-parts':
        options.scale = true;
        options.scaleParts = list(next(), SCALE_SECTION_NAMES, 'scale part');
        break;
      case '--scale-primaries':
        options.scalePrimaries = primaryCounts(next(), arg);
        break;
      case '--scale-rate':
        options.scaleRate = Math.round(positiveNumber(next(), arg));
        break;
      case '--no-http':
        options.http = false;
        break;
      case '--http-duration':
        options.httpDurationS = positiveNumber(next(), arg);
        break;
      case '--http-connections':
        options.httpConnections = Math.round(positiveNumber(next(), arg));
        break;
      case '--no-profile':
        options.profile = false;
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--out':
        options.out = next();
        break;
      case '--server':
        options.server = next();
        break;
      default:
        throw new Error(`unknown option ${arg}\n\n${USAGE}`);
    }
  }
  // The scale sections run every client on clusters of up to 60 servers: one round unless more are asked for.
  if (options.scale && !roundsGiven) options.rounds = 1;
  const otel = argv.includes('--otel') || env.BENCH_OTEL === '1';
  if (otel) for (const name of OTEL_CLIENTS) if (!options.clients.includes(name)) options.clients.push(name);
  return options;
}
