/**
 * Decodes one kind of reply many times, for counting instructions under callgrind (not a test, not a timing).
 * Run by `bench/src/decoder-callgrind.sh`, which compiles it with the decoder of a checkout to plain JavaScript.
 *
 * The input (`replies` replies of one kind, in 64 KiB chunks) is built once, then fed `rounds` times to one
 * decoder. Run twice with different `rounds`, the difference of the two instruction totals divided by the
 * difference of the replies decoded leaves out startup, compilation and input building: what remains is the steady
 * cost of one reply.
 */
import { RespDecoder } from '../../libs/client/src/resp/decoder.js';

const CHUNK = 64 * 1024;

/** Each kind: the reply, how many of them make the input, and the decoder's mode. */
const KINDS: Record<string, { reply: string; replies: number; buffers?: boolean; resp3?: boolean }> = {
  ok: { reply: '+OK\r\n', replies: 20_000 },
  bulk3: { reply: '$3\r\nfoo\r\n', replies: 20_000 },
  'bulk3-buffer': { reply: '$3\r\nfoo\r\n', replies: 20_000, buffers: true },
  int: { reply: ':12345\r\n', replies: 20_000 },
  bulk100: { reply: `$100\r\n${'v'.repeat(100)}\r\n`, replies: 5_000 },
  mget10: { reply: `*10\r\n${'$8\r\nvalue:42\r\n'.repeat(10)}`, replies: 2_000 },
  bulk65536: { reply: `$65536\r\n${'x'.repeat(65536)}\r\n`, replies: 20 },
  map3: { reply: '%3\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n$1\r\nc\r\n:3\r\n', replies: 2_000 },
  push: { reply: '>3\r\n$7\r\nmessage\r\n$4\r\nchan\r\n$5\r\nhello\r\n', replies: 2_000 },
};

const [kindName = '', roundsArg = ''] = process.argv.slice(2);
const kind = KINDS[kindName];
const rounds = Number(roundsArg);
if (kind === undefined || !Number.isSafeInteger(rounds) || rounds < 0) {
  throw new Error(`usage: decoder-callgrind.js <${Object.keys(KINDS).join('|')}> <rounds>`);
}

const all = Buffer.from(kind.reply.repeat(kind.replies), 'latin1');
const input: Buffer[] = [];
for (let i = 0; i < all.length; i += CHUNK) input.push(all.subarray(i, i + CHUNK));

let replies = 0;
let pushes = 0;
const decoder = new RespDecoder({
  onReply: () => {
    replies++;
  },
  onPush: () => {
    pushes++;
  },
});
decoder.returnBuffers = kind.buffers === true;
for (let round = 0; round < rounds; round++) {
  for (const chunk of input) decoder.feed(chunk);
}
if (replies + pushes !== rounds * kind.replies) {
  throw new Error(`decoded ${replies + pushes} replies, expected ${rounds * kind.replies}`);
}
console.log(`${kindName}: ${replies + pushes} replies`);
