// Debian's `redis-benchmark --cluster` on the same cluster as the clients: the server-side ceiling each scale figure
// is compared with. It is C, one thread, and keeps `clients × pipeline` commands in flight.
import { spawn } from 'node:child_process';

export const REDIS_BENCHMARK = '/usr/bin/redis-benchmark';

export interface RedisBenchmarkRun {
  /** Bytes of each value (`-d`). */
  valueBytes: number;
  /** Connections (`-c`), spread over the primaries by redis-benchmark. */
  connections: number;
  /** Commands each connection keeps in flight (`-P`). */
  pipeline: number;
  /** Requests per test (`-n`). */
  requests: number;
  /** Distinct keys (`-r`): at most this many values are stored. */
  keyspace: number;
}

export interface RedisBenchmarkResult {
  setPerSec: number;
  getPerSec: number;
  /** The exact command line, for the report. */
  command: string;
}

/** Runs SET then GET (`-t set,get`) against the cluster reached through `seed` (`host:port`). */
export async function runRedisBenchmark(seed: string, run: RedisBenchmarkRun): Promise<RedisBenchmarkResult> {
  const colon = seed.lastIndexOf(':');
  const args = [
    '-h',
    seed.slice(0, colon),
    '-p',
    seed.slice(colon + 1),
    '--cluster',
    '-t',
    'set,get',
    '-d',
    String(run.valueBytes),
    '-c',
    String(run.connections),
    '-P',
    String(run.pipeline),
    '-n',
    String(run.requests),
    '-r',
    String(run.keyspace),
    '--csv',
  ];
  const output = await capture(REDIS_BENCHMARK, args);
  return {
    setPerSec: rateOf(output, 'SET'),
    getPerSec: rateOf(output, 'GET'),
    command: `redis-benchmark ${args.filter((_, i) => i > 3).join(' ')}`,
  };
}

/** The requests/s of one test in redis-benchmark's CSV (`"SET","123456.78",...`). */
function rateOf(csv: string, test: string): number {
  for (const line of csv.split('\n')) {
    const fields = line.split(',').map((field) => field.replace(/"/g, ''));
    if (fields[0] === test) return Number(fields[1]);
  }
  throw new Error(`redis-benchmark printed no ${test} line:\n${csv.slice(0, 2000)}`);
}

function capture(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${command} exited ${code}: ${err.slice(0, 500)}`));
    });
  });
}
