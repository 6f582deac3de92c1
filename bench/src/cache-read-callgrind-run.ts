/**
 * Instructions per read of the whole client (callgrind), uncached against the cache's hit and miss cases, on one
 * local cluster (3 primaries): repeatable on a busy machine, unlike reads/s and CPU time.
 *
 *   node --import tsx bench/src/cache-read-callgrind-run.ts [--checkout <dir>]... [--cases uncached,miss,floor-miss]
 *
 * Each `--checkout` (default: this one) has its `libs/client/src` compiled with `cache-read-callgrind.ts` to plain
 * JavaScript; each case runs under callgrind in V8's predictable mode twice, with LOW and HIGH rounds of 100 reads,
 * and (instructions(HIGH) - instructions(LOW)) / reads(HIGH - LOW) is printed: startup, connection and warm-up
 * cancel out. Under callgrind the client is far slower than the servers, so every case is written and read in
 * batches alike; the counts compare cases and checkouts, not wall time.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ClusterClient } from '@keyslot/client';
import { startCluster } from '@keyslot/dev-cluster';

const LOW = Number(process.env.LOW ?? 20);
const HIGH = Number(process.env.HIGH ?? 120);
const BATCH = 100;
/** Keys SET first: the hot set, then a cold key per read of the longest cold run (warm-up included). */
const KEYS = 1_000 + (HIGH + 20) * BATCH;
const VALUE = 'v'.repeat(16);
const here = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

function values(name: string): string[] {
  const found: string[] = [];
  process.argv.forEach((arg, i) => {
    if (arg === `--${name}`) found.push(process.argv[i + 1]!);
  });
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The child with `checkout`'s client, as plain JavaScript; returns its entry file. */
async function compile(checkout: string, out: string): Promise<string> {
  const src = join(out, 'src');
  await run('mkdir', ['-p', join(src, 'libs/client'), join(src, 'bench/src')]);
  await run('cp', ['-r', join(checkout, 'libs/client/src'), join(src, 'libs/client/src')]);
  await run('cp', [join(here, 'bench/src/cache-read-callgrind.ts'), join(src, 'bench/src/')]);
  const entry = join(src, 'bench/src/cache-read-callgrind.ts');
  await run(join(here, 'node_modules/.bin/esbuild'), [
    '--log-level=warning',
    '--format=esm',
    '--platform=node',
    '--target=node20',
    `--outbase=${src}`,
    `--outdir=${join(out, 'js')}`,
    entry,
    ...filesUnder(join(src, 'libs/client/src')),
  ]);
  writeFileSync(join(out, 'js/package.json'), '{"type":"module"}');
  return join(out, 'js/bench/src/cache-read-callgrind.js');
}

async function instructions(script: string, kind: string, rounds: number, seeds: string): Promise<number> {
  const { stderr } = await run(
    'valgrind',
    [
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      'node',
      '--predictable',
      script,
      kind,
      String(rounds),
      seeds,
    ],
    { maxBuffer: 1 << 24 },
  );
  const total = /Collected : (\d+)/.exec(stderr)?.[1];
  if (total === undefined) throw new Error(`no callgrind total for ${kind}: ${stderr.slice(-500)}`);
  return Number(total);
}

const checkouts = values('checkout').map((dir) => resolve(dir));
if (checkouts.length === 0) checkouts.push(here);
const cases = (values('cases')[0] ?? 'uncached,hit,miss,cold-miss,floor-miss,floor-cold').split(',');
const cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
const work = mkdtempSync(join(tmpdir(), 'cache-read-callgrind-'));
try {
  const seeds = cluster.seeds.join(',');
  const writer = await new ClusterClient(cluster.seeds).getConnection();
  for (let from = 0; from < KEYS; from += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, KEYS - from) }, (_, i) => `hot:${from + i}`);
    await Promise.all(batch.map((key) => writer.set(key, VALUE)));
  }
  writer.destroy();
  console.log(`| checkout | ${cases.join(' | ')} | ${cases.map((c) => `${c} ÷ uncached`).join(' | ')} |`);
  console.log(`| --- |${' ---: |'.repeat(cases.length * 2)}`);
  for (const [n, checkout] of checkouts.entries()) {
    const script = await compile(checkout, join(work, String(n)));
    const perRead = new Map<string, number>();
    for (const kind of cases) {
      const low = await instructions(script, kind, LOW, seeds);
      const high = await instructions(script, kind, HIGH, seeds);
      perRead.set(kind, (high - low) / ((HIGH - LOW) * BATCH));
      console.error(`${checkout} ${kind}: ${Math.round(perRead.get(kind)!)} instructions/read`);
    }
    const base = perRead.get('uncached');
    const counts = cases.map((c) => Math.round(perRead.get(c)!).toLocaleString('en'));
    const ratios = cases.map((c) => (base ? `${(perRead.get(c)! / base).toFixed(3)}×` : ''));
    console.log(`| ${checkout} | ${counts.join(' | ')} | ${ratios.join(' | ')} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await cluster.stop();
}
