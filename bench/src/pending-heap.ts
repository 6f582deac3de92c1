// `node --conditions=@keyslot/source --import tsx bench/src/pending-heap.ts [count]`: what one pending command keeps
// while every node is down. Stops every node of a 3+3 cluster, issues `count` GETs (default 20,000) whose promises are
// only caught, and compares two heap snapshots (before / while they wait), by object kind: bytes per pending command.
// A diagnostic for issue 14's memory bound, not a benchmark: no timings.
import v8 from 'node:v8';
import vm from 'node:vm';
import { ClusterClient } from '@keyslot/client';
import { ensureRedisServer, startCluster } from '@keyslot/dev-cluster';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** With PENDING_HEAP_SHOW=kind (e.g. `object:Object`): how many objects of that kind have each set of edges. */
function signatures(parsed: Snapshot, kind: string): Map<string, number> {
  const fields = parsed.snapshot.meta.node_fields;
  const width = fields.length;
  const edgeWidth = parsed.snapshot.meta.edge_fields.length;
  const types = parsed.snapshot.meta.node_types[0];
  const edgeTypes = parsed.snapshot.meta.edge_types[0];
  const counts = new Map<string, number>();
  let edge = 0;
  for (let i = 0; i < parsed.nodes.length; i += width) {
    const edges = parsed.nodes[i + fields.indexOf('edge_count')]!;
    if (`${types[parsed.nodes[i]!]}:${parsed.strings[parsed.nodes[i + 1]!]}` === kind) {
      const names: string[] = [];
      for (let e = edge; e < edge + edges * edgeWidth; e += edgeWidth) {
        const type = edgeTypes[parsed.edges[e]!];
        names.push(
          type === 'element' || type === 'hidden' ? `[${type}]` : parsed.strings[parsed.edges[e + 1]!]!,
        );
      }
      const signature = names.join(',');
      counts.set(signature, (counts.get(signature) ?? 0) + 1);
    }
    edge += edges * edgeWidth;
  }
  return counts;
}

let lastSignatures = new Map<string, number>();

/** Self size by `type:name`, over the whole heap. */
function heapByKind(): Promise<Map<string, { count: number; bytes: number }>> {
  gc();
  const chunks: Buffer[] = [];
  const stream = v8.getHeapSnapshot();
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Snapshot;
      const fields = parsed.snapshot.meta.node_fields;
      const types = parsed.snapshot.meta.node_types[0];
      const width = fields.length;
      const typeAt = fields.indexOf('type');
      const nameAt = fields.indexOf('name');
      const sizeAt = fields.indexOf('self_size');
      const showKind = process.env.PENDING_HEAP_SHOW;
      if (showKind) {
        const now = signatures(parsed, showKind);
        for (const [signature, n] of now) {
          const grown = n - (lastSignatures.get(signature) ?? 0);
          if (grown > 1000) console.log(`  +${grown} ${showKind} {${signature}}`);
        }
        lastSignatures = now;
      }
      const kinds = new Map<string, { count: number; bytes: number }>();
      for (let i = 0; i < parsed.nodes.length; i += width) {
        const type = types[parsed.nodes[i + typeAt]!]!;
        // Strings are named by their text: group them by type only.
        const name =
          type === 'string' || type === 'concatenated string'
            ? ''
            : parsed.strings[parsed.nodes[i + nameAt]!];
        const key = `${type}:${name}`;
        const kind = kinds.get(key) ?? { count: 0, bytes: 0 };
        kind.count++;
        kind.bytes += parsed.nodes[i + sizeAt]!;
        kinds.set(key, kind);
      }
      resolve(kinds);
    });
  });
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 20_000);
  await ensureRedisServer();
  const cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
  const conn = await new ClusterClient(cluster.seeds).getConnection({ commandTimeoutMs: 60_000 });
  try {
    for (let i = 0; i < 100; i++) await conn.get(`warm:${i}`);
    await Promise.all(cluster.nodes.map((node) => cluster.stop(node)));
    await cluster.waitFor(() => conn.stats().pending === 0, { timeoutMs: 10_000, message: 'settled' });
    const before = await heapByKind();
    const ignore = () => {};
    for (let i = 0; i < count; i++) conn.get(`flood:${i % 10_000}`).catch(ignore);
    await cluster.waitFor(() => conn.stats().pending === count, { timeoutMs: 10_000, message: 'pending' });
    const during = await heapByKind();
    if (process.env.PENDING_HEAP_FILE) v8.writeHeapSnapshot(process.env.PENDING_HEAP_FILE);
    const rows: [string, number, number][] = [];
    let total = 0;
    for (const [key, kind] of during) {
      const then = before.get(key) ?? { count: 0, bytes: 0 };
      const bytes = kind.bytes - then.bytes;
      total += bytes;
      if (Math.abs(bytes) >= count * 4) rows.push([key, kind.count - then.count, bytes]);
    }
    rows.sort((a, b) => b[2] - a[2]);
    console.log(`${count} pending: ${(total / count).toFixed(0)} B each (${conn.stats().pending} pending)`);
    for (const [key, n, bytes] of rows)
      console.log(
        `${(bytes / count).toFixed(1).padStart(7)} B  ${(n / count).toFixed(2).padStart(5)}×  ${key}`,
      );
  } finally {
    conn.destroy();
    await cluster.stop();
  }
}

await main();
