/**
 * For callgrind: `n` rounds of three small encodes (SET with a text value, GET, SET with a 16-byte Buffer) through
 * the encoder of the checkout given, so two checkouts' instruction counts can be compared:
 * `valgrind --tool=callgrind node --single-threaded --import tsx bench/src/scale/encode-micro.ts <checkout> <n>`,
 * for two values of n (the slope between them leaves Node's start-up out). A third argument `expire` encodes
 * `SET key <16-byte Buffer> EX 10` instead: the binary encoder's number branch.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [root, count] = [path.resolve(process.argv[2] ?? '.'), Number(process.argv[3] ?? '0')];
const expire = process.argv[4] === 'expire';
const encoder = pathToFileURL(path.join(root, 'libs/client/src/resp/encode-command.ts')).href;
const { encodeCommand } = (await import(encoder)) as {
  encodeCommand(name: string, args: readonly (string | Buffer | number)[]): unknown;
};
const keys = Array.from({ length: 1024 }, (_, i) => `bench:${i}`);
const value = Buffer.from('v123456789abcdef');
let sink: unknown;
if (expire) for (let i = 0; i < count; i++) sink = encodeCommand('SET', [keys[i & 1023]!, value, 'EX', 10]);
else
  for (let i = 0; i < count; i++) {
    sink = encodeCommand('SET', [keys[i & 1023]!, 'v123456789abcdef']);
    sink = encodeCommand('GET', [keys[i & 1023]!]);
    sink = encodeCommand('SET', [keys[i & 1023]!, value]);
  }
if (sink === undefined) console.log('');
