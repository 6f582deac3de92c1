/**
 * MULTI/EXEC throughput on one connection to a real standalone server: transactions of 3 commands, 64 in flight,
 * best of several rounds (µs per transaction). Compares `writeTransaction` of this checkout with another one:
 *
 *   node --conditions=@keyslot/source --import tsx bench/src/transaction-micro.ts [other checkout root]
 */
import { resolve } from 'node:path';
import { startStandalone } from '../../tools/dev-cluster/src/index.js';

const ROUNDS = 7;
const PER_ROUND = 20_000;
const IN_FLIGHT = 64;

type ClientModule = typeof import('../../libs/client/src/index.js');

async function measure(root: string, port: number): Promise<number> {
  const { Client } = (await import(resolve(root, 'libs/client/src/index.ts'))) as ClientModule;
  const conn = await new Client({ host: '127.0.0.1', port }).getMultiplexedConnection();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let done = 0; done < PER_ROUND; done += IN_FLIGHT) {
      const batch = [];
      for (let i = 0; i < IN_FLIGHT; i++) {
        const tx = conn.multi();
        void tx.incr('tx:a');
        void tx.set('tx:b', 'v');
        void tx.get('tx:b');
        batch.push(tx.exec());
      }
      await Promise.all(batch);
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / PER_ROUND);
  }
  await conn.close();
  return best;
}

const server = await startStandalone();
try {
  const roots = [process.cwd(), ...process.argv.slice(2)];
  for (let pass = 0; pass < 2; pass++) {
    for (const root of roots) console.log(`${root}: ${(await measure(root, server.port)).toFixed(2)} µs/tx`);
  }
} finally {
  await server.stop();
}
