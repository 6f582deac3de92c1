/**
 * Client CPU per MB of GET replies for variants of the client's sources (e.g. the decoder's in-place threshold),
 * against one real server, variants alternated per size and round so that the load of the moment falls on all:
 *   node --conditions=@keyslot/source --import tsx bench/src/scale/in-place-threshold.ts <label>=<libs/client/src dir>...
 * (run by `in-place-threshold.sh`, which makes the variants). 96 callers GET values of each size for 1.5 s.
 */
import { startStandalone } from '@keyslot/dev-cluster';

const SIZES = [16 * 1024, 32 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024];
const CALLERS = 96;
const WINDOW_MS = 1500;
const ROUNDS = 2;

interface Conn {
  set(key: string, value: Buffer): Promise<unknown>;
  buffers: { get(key: string): Promise<Buffer | null> };
  close(): Promise<void>;
}

const variants = process.argv.slice(2).map((arg) => {
  const [label, dir] = arg.split('=') as [string, string];
  return { label, dir };
});
const server = await startStandalone();
const results = new Map<string, number[]>();
try {
  const conns: Conn[] = [];
  for (const { dir } of variants) {
    const { Client } = (await import(`${dir}/index.ts`)) as {
      Client: new (o: object) => { getMultiplexedConnection(): Promise<Conn> };
    };
    conns.push(await new Client({ host: '127.0.0.1', port: server.port }).getMultiplexedConnection());
  }
  for (const size of SIZES) {
    const keys = Array.from({ length: 100 }, (_, i) => `v${size}:${i}`);
    await Promise.all(keys.map((key) => conns[0]!.set(key, Buffer.alloc(size, 7))));
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < variants.length; k++) {
        const v = (k + round) % variants.length;
        const conn = conns[v]!;
        let bytes = 0;
        const end = Date.now() + WINDOW_MS;
        const cpu = process.cpuUsage();
        await Promise.all(
          Array.from({ length: CALLERS }, async (_, c) => {
            for (let i = c; Date.now() < end; i++)
              bytes += (await conn.buffers.get(keys[i % keys.length]!))!.length;
          }),
        );
        const used = process.cpuUsage(cpu);
        const key = `${variants[v]!.label} ${size}`;
        const list = results.get(key) ?? [];
        list.push((used.user + used.system) / 1000 / (bytes / 1e6));
        results.set(key, list);
      }
    }
  }
  for (const conn of conns) await conn.close();
} finally {
  await server.stop();
}
for (const [key, list] of results)
  console.log(`${key}: ${list.map((ms) => ms.toFixed(3)).join(' ')} ms CPU/MB`);
