/**
 * Micro-benchmark of the RESP layer (not a test): `node --import tsx bench/src/decoder.ts`.
 * Replies are fed in 64 KiB chunks, as a socket delivers them; each figure is the best of several rounds.
 */
import { RespDecoder } from '../../libs/client/src/resp/decoder.js';
import { encodeCommand, joinEncoded } from '../../libs/client/src/resp/encode-command.js';

const COUNT = 1_000_000;
const CHUNK = 64 * 1024;
const ROUNDS = 15;

function chunks(reply: string, count: number): Buffer[] {
  const all = Buffer.from(reply.repeat(count), 'latin1');
  const out: Buffer[] = [];
  for (let i = 0; i < all.length; i += CHUNK) out.push(all.subarray(i, i + CHUNK));
  return out;
}

/**
 * Runs `run` ROUNDS times and prints the best round, by wall-clock time and by CPU time. On a busy machine the
 * CPU figure is the steadier one (it leaves out time the process spent descheduled, but counts GC threads).
 */
function best(label: string, ops: number, run: () => void): void {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    run();
    const ns = Number(process.hrtime.bigint() - start);
    const used = process.cpuUsage(cpuStart);
    wall = Math.min(wall, ns);
    cpu = Math.min(cpu, (used.user + used.system) * 1000);
  }
  const format = (ns: number) =>
    `${Math.round((ops / ns) * 1e9)
      .toLocaleString('en-US')
      .padStart(12)} ops/s ${(ns / ops).toFixed(1).padStart(8)} ns/op`;
  console.log(`${label.padEnd(38)} wall ${format(wall)}   cpu ${format(cpu)}`);
}

function decodeBench(label: string, reply: string, count: number, returnBuffers = false): void {
  const input = chunks(reply, count);
  let replies = 0;
  const decoder = new RespDecoder({
    onReply: () => {
      replies++;
    },
    onPush: () => {},
  });
  decoder.returnBuffers = returnBuffers;
  best(label, count, () => {
    replies = 0;
    for (const chunk of input) decoder.feed(chunk);
    if (replies !== count) throw new Error(`decoded ${replies} replies, expected ${count}`);
  });
}

console.log(
  `node ${process.version}, ${COUNT.toLocaleString('en-US')} operations per round, best of ${ROUNDS}`,
);

decodeBench('decode +OK', '+OK\r\n', COUNT);
decodeBench('decode $3 foo', '$3\r\nfoo\r\n', COUNT);
decodeBench('decode $3 foo (buffer mode)', '$3\r\nfoo\r\n', COUNT, true);
decodeBench('decode :12345', ':12345\r\n', COUNT);
decodeBench('decode $100 value', `$100\r\n${'v'.repeat(100)}\r\n`, COUNT);
decodeBench('decode *10 of $8 (MGET of 10 keys)', `*10\r\n${'$8\r\nvalue:42\r\n'.repeat(10)}`, COUNT / 10);
decodeBench('decode $65536 split across chunks', `$65536\r\n${'x'.repeat(65536)}\r\n`, 2000);

const keys = Array.from({ length: 1024 }, (_, i) => `key:${i}`);
let sink: unknown;
best('encode SET key value', COUNT, () => {
  for (let i = 0; i < COUNT; i++) sink = encodeCommand('SET', [keys[i & 1023]!, 'value']);
});
best('encode GET key', COUNT, () => {
  for (let i = 0; i < COUNT; i++) sink = encodeCommand('GET', [keys[i & 1023]!]);
});
const value = Buffer.from('value');
best('encode SET key <Buffer>', COUNT, () => {
  for (let i = 0; i < COUNT; i++) sink = encodeCommand('SET', [keys[i & 1023]!, value]);
});
best('encode + join 100 SET per write', COUNT, () => {
  const batch: (string | Buffer)[] = [];
  for (let i = 0; i < COUNT; i++) {
    batch.push(encodeCommand('SET', [keys[i & 1023]!, 'value']));
    if (batch.length === 100) {
      sink = Buffer.from(joinEncoded(batch) as string);
      batch.length = 0;
    }
  }
});
if (sink === undefined) console.log('');
