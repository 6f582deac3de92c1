/**
 * Micro-benchmark of the RESP layer (not a test): `node --import tsx bench/src/decoder.ts`.
 * Replies are fed in 64 KiB chunks, as a socket delivers them; each figure is the best of several rounds.
 *
 * `--baseline <checkout>` decodes the same input with the `RespDecoder` of another checkout of the repository too
 * (e.g. the commit before a change), alternating the two round by round in this one process, so that both see the
 * same machine: `node --import tsx bench/src/decoder.ts --baseline /tmp/keyslot-at-main`.
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

type DecoderClass = typeof RespDecoder;

const baselineAt = process.argv.indexOf('--baseline');
const Baseline: DecoderClass | undefined =
  baselineAt === -1
    ? undefined
    : (
        (await import(`${process.argv[baselineAt + 1]}/libs/client/src/resp/decoder.ts`)) as {
          RespDecoder: DecoderClass;
        }
      ).RespDecoder;

/** Feeds `input` to a decoder of class `Decoder` and checks that it yields `count` replies. */
function decodeRun(
  Decoder: DecoderClass,
  input: Buffer[],
  count: number,
  returnBuffers: boolean,
): () => void {
  let replies = 0;
  const decoder = new Decoder({
    onReply: () => {
      replies++;
    },
    onPush: () => {},
  });
  decoder.returnBuffers = returnBuffers;
  return () => {
    replies = 0;
    for (const chunk of input) decoder.feed(chunk);
    if (replies !== count) throw new Error(`decoded ${replies} replies, expected ${count}`);
  };
}

function decodeBench(label: string, reply: string, count: number, returnBuffers = false): void {
  const input = chunks(reply, count);
  const current = decodeRun(RespDecoder, input, count, returnBuffers);
  if (Baseline === undefined) {
    best(label, count, current);
    return;
  }
  // Alternate round by round; each side reports its own best.
  const baseline = decodeRun(Baseline, input, count, returnBuffers);
  const times = { current: [Infinity, Infinity], baseline: [Infinity, Infinity] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [side, run] of [
      ['baseline', baseline],
      ['current', current],
    ] as const) {
      const cpuStart = process.cpuUsage();
      const start = process.hrtime.bigint();
      run();
      const ns = Number(process.hrtime.bigint() - start);
      const used = process.cpuUsage(cpuStart);
      times[side][0] = Math.min(times[side][0]!, ns);
      times[side][1] = Math.min(times[side][1]!, (used.user + used.system) * 1000);
    }
  }
  for (const side of ['baseline', 'current'] as const) {
    const [wall, cpu] = times[side];
    console.log(
      `${`${label} [${side}]`.padEnd(48)} wall ${(wall! / count).toFixed(1).padStart(8)} ns/op   cpu ${(cpu! / count).toFixed(1).padStart(8)} ns/op`,
    );
  }
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
