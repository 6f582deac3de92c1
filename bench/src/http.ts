// The HTTP benchmark: the demo's link-resolve route (http-server.ts) behind each client, one server process at a
// time, loaded by autocannon from this process.
import autocannon from 'autocannon';
import type { ClusterAddresses } from './clients/driver.js';
import { LINK_COUNT, linkCode } from './links.js';
import { SERVER_LABELS, type ServerName } from './names.js';
import { median } from './report.js';
import { forkChild, runChild } from './spawn.js';
import { within } from './time.js';

/** The medians of one server over the rounds. */
export interface HttpSummary {
  server: ServerName;
  /** How the client is wired into Fastify. */
  integration: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Server process CPU (user + system) per request, in µs. */
  cpuUsPerRequest: number;
  peakRssMb: number;
  errors: number;
}

/** One round of one server. */
export interface HttpRun extends HttpSummary {
  round: number;
  total: number;
  notFound: number;
}

export interface HttpOptions {
  rounds: number;
  durationS: number;
  connections: number;
  servers: readonly ServerName[];
}

export async function seedLinks(cluster: ClusterAddresses): Promise<void> {
  await runChild('child.ts', { kind: 'seed', cluster, count: LINK_COUNT }, 60_000);
}

function waitForMessage<T>(child: ReturnType<typeof forkChild>, type: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`server sent no '${type}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: { type: string; message?: string }) => {
      if (message.type === type) {
        cleanup();
        resolve(message as T);
      } else if (message.type === 'error') {
        cleanup();
        reject(new Error(message.message));
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`server exited (${code}) before '${type}'`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function load(port: number, durationS: number, connections: number) {
  let state = 12345;
  const span = Math.round(LINK_COUNT * 1.1);
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: durationS,
    timeout: 10,
    requests: [
      {
        setupRequest(request) {
          state = (Math.imul(state, 1103515245) + 12345) >>> 0;
          request.path = `/links/${linkCode(state % span)}`;
          return request;
        },
      },
    ],
  });
}

/** A seeded link redirects (302 to its URL) and a missing one is a 404, before any load. */
async function checkRoute(port: number): Promise<void> {
  const found = await fetch(`http://127.0.0.1:${port}/links/${linkCode(7)}`, { redirect: 'manual' });
  await found.arrayBuffer();
  if (found.status !== 302 || !found.headers.get('location')?.endsWith('/7')) {
    throw new Error(
      `GET /links/${linkCode(7)} answered ${found.status} (location ${found.headers.get('location')})`,
    );
  }
  const missing = await fetch(`http://127.0.0.1:${port}/links/${linkCode(LINK_COUNT + 5)}`);
  await missing.arrayBuffer();
  if (missing.status !== 404)
    throw new Error(`GET /links/${linkCode(LINK_COUNT + 5)} answered ${missing.status}, not 404`);
}

async function runServer(
  server: ServerName,
  round: number,
  cluster: ClusterAddresses,
  options: HttpOptions,
): Promise<HttpRun> {
  const child = forkChild('http-server.ts', { server, cluster });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killer = setTimeout(() => child.kill('SIGKILL'), (options.durationS * 2 + 60) * 1000);
  try {
    const { port, integration } = await waitForMessage<{ port: number; integration: string }>(
      child,
      'ready',
      30_000,
    );
    await checkRoute(port);
    await load(port, Math.min(1, options.durationS), options.connections); // warm-up
    child.send({ type: 'start' });
    const result = await load(port, options.durationS, options.connections);
    child.send({ type: 'stop' });
    const stats = await waitForMessage<{ cpuUs: number; peakRssMb: number }>(child, 'stats', 10_000);
    const total = result.requests.total;
    return {
      round,
      server,
      integration,
      requestsPerSec: total / result.duration,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      cpuUsPerRequest: stats.cpuUs / Math.max(1, total),
      peakRssMb: stats.peakRssMb,
      total,
      notFound: result['4xx'],
      errors: result.errors + result.timeouts + result['5xx'],
    };
  } finally {
    await within(exited, 5_000);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    clearTimeout(killer);
  }
}

export async function runHttp(cluster: ClusterAddresses, options: HttpOptions): Promise<HttpRun[]> {
  await seedLinks(cluster);
  const runs: HttpRun[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const order = rotate(options.servers, round - 1);
    for (const server of order) {
      try {
        const run = await runServer(server, round, cluster, options);
        runs.push(run);
        console.log(
          `  http round ${round} ${SERVER_LABELS[server].padEnd(44)} ${Math.round(run.requestsPerSec)
            .toString()
            .padStart(
              7,
            )} req/s  p50 ${run.p50Ms} ms  p99 ${run.p99Ms} ms  ${run.cpuUsPerRequest.toFixed(0)} µs CPU/req`,
        );
      } catch (error) {
        console.error(`  http round ${round} ${server} failed: ${(error as Error).message}`);
      }
    }
  }
  return runs;
}

export function summarizeHttp(runs: readonly HttpRun[]): HttpSummary[] {
  const servers = [...new Set(runs.map((r) => r.server))];
  return servers.map((server) => {
    const group = runs.filter((r) => r.server === server);
    return {
      server,
      integration: [...new Set(group.map((r) => r.integration))].join(' / '),
      requestsPerSec: median(group.map((r) => r.requestsPerSec)),
      p50Ms: median(group.map((r) => r.p50Ms)),
      p99Ms: median(group.map((r) => r.p99Ms)),
      cpuUsPerRequest: median(group.map((r) => r.cpuUsPerRequest)),
      peakRssMb: Math.max(...group.map((r) => r.peakRssMb)),
      errors: group.reduce((sum, r) => sum + r.errors, 0),
    };
  });
}

export function httpTable(summaries: readonly HttpSummary[]): string {
  const lines = [
    '| server | wiring | req/s (median) | p50 ms | p99 ms | server CPU µs/req | peak RSS MB | errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of summaries) {
    lines.push(
      `| ${SERVER_LABELS[s.server]} | ${s.integration} | ${Math.round(s.requestsPerSec)} | ${s.p50Ms} | ${s.p99Ms} | ${s.cpuUsPerRequest.toFixed(0)} | ${s.peakRssMb.toFixed(0)} | ${s.errors} |`,
    );
  }
  const keyslot = summaries.find((s) => s.server === 'keyslot');
  const peers = summaries.filter((s) => s.server !== 'keyslot');
  if (keyslot && peers.length > 0) {
    const best = peers.reduce((a, b) => (b.requestsPerSec > a.requestsPerSec ? b : a));
    lines.push(
      '',
      `keyslot vs ${SERVER_LABELS[best.server]}: ${(keyslot.requestsPerSec / best.requestsPerSec).toFixed(2)}× the req/s at ${(keyslot.cpuUsPerRequest / best.cpuUsPerRequest).toFixed(2)}× the server CPU per request.`,
    );
  }
  return lines.join('\n');
}

export function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
