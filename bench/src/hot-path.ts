/**
 * Micro-benchmarks of the pieces of keyslot's send/receive path that the CPU profiles point at, each next to a
 * prototype of a proposed change, so the proposals in bench/README.md come with numbers:
 *
 *   node --conditions=@keyslot/source --import tsx bench/src/hot-path.ts
 *
 * It reads library internals by path (read-only): they are not part of the public API. Figures are ns per call,
 * best of several rounds; compare within one run only.
 */
import calculateSlot from 'cluster-key-slot';
import { type BatchTarget, ClusterBatch } from '../../libs/client/src/cluster/cluster-batch.js';
import { planCommand } from '../../libs/client/src/cluster/command-plan.js';
import { fanOutPolicy } from '../../libs/client/src/cluster/fan-out-policy.js';
import { slotOfString } from '../../libs/client/src/cluster/hash-slot.js';
import { commandSlot, slotOfKey } from '../../libs/client/src/cluster/key-slots.js';
import { blockingTimeoutMs } from '../../libs/client/src/commands/blocking.js';
import { commandFlags, keyIndexes, singleKeyCommand } from '../../libs/client/src/commands/command-info.js';
import { RespDecoder } from '../../libs/client/src/resp/decoder.js';
import { encodeCommand } from '../../libs/client/src/resp/encode-command.js';
import { deadlines } from '../../libs/client/src/util/deadlines.js';
import { keysForEverySlot, VALUE } from './keys.js';

const N = 1_000_000;
const ROUNDS = 7;
let sink: unknown;

/**
 * Best-of-rounds CPU ns per operation of `run`, which performs `ops` operations. CPU time rather than wall time:
 * on a shared machine the process is descheduled often, and wall time would count that too.
 */
function measure(ops: number, run: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    const ns = (used.user + used.system) * 1000;
    if (ns < best) best = ns;
  }
  return best / ops;
}

const rows: { group: string; label: string; ns: number }[] = [];
function row(group: string, label: string, ns: number): void {
  rows.push({ group, label, ns });
  console.log(`${group.padEnd(10)} ${label.padEnd(64)} ${ns.toFixed(1).padStart(8)} ns`);
}

const keys = keysForEverySlot();
const K = keys.length; // 16384, a power of two
const setArgs = keys.map((key) => [key, VALUE] as const);
const getArgs = keys.map((key) => [key] as const);

// ---------------------------------------------------------------- routing preamble of ClusterConnection.sendCommand
row(
  'routing',
  'general path: fanOutPolicy + blockingTimeoutMs + commandSlot + commandFlags (SET)',
  measure(N, () => {
    for (let i = 0; i < N; i++) {
      const args = setArgs[i & (K - 1)]!;
      sink = fanOutPolicy('SET', args);
      sink = blockingTimeoutMs('SET', args);
      sink = commandSlot('SET', args);
      sink = commandFlags('SET').readonly;
    }
  }),
);
row(
  'routing',
  '  of which commandSlot (keyIndexes array + slotOfKey)',
  measure(N, () => {
    for (let i = 0; i < N; i++) sink = commandSlot('SET', setArgs[i & (K - 1)]!);
  }),
);
row(
  'routing',
  '  of which keyIndexes (allocates an index array)',
  measure(N, () => {
    for (let i = 0; i < N; i++) sink = keyIndexes('SET', setArgs[i & (K - 1)]!);
  }),
);
row(
  'routing',
  '  of which calculateSlot(key) (cluster-key-slot: UTF-8 array per key)',
  measure(N, () => {
    for (let i = 0; i < N; i++) sink = calculateSlot(keys[i & (K - 1)]!);
  }),
);

// Landed (cluster/hash-slot.ts): CRC16 straight from the string's char codes when it is ASCII (no array).
for (let i = 0; i < K; i++) {
  if (slotOfString(keys[i]!) !== i)
    throw new Error(`slotOfString disagrees with cluster-key-slot on ${keys[i]}`);
  if (slotOfString(`{user${i}}:x`) !== calculateSlot(`{user${i}}:x`)) throw new Error('hash tag mismatch');
}
row(
  'routing',
  'landed: slotOfString(key) (charCodeAt CRC16, no allocation)',
  measure(N, () => {
    for (let i = 0; i < N; i++) sink = slotOfString(keys[i & (K - 1)]!);
  }),
);

// Prototype: one cached descriptor per command name answers every routing question with one Map lookup.
interface Route {
  fanOut: boolean;
  maybeBlocking: boolean;
  /** Index of the only key, or -1 when the command is not a plain single-key command. */
  singleKey: number;
  readonly: boolean;
}
const routes = new Map<string, Route>();
function routeOf(name: string, args: readonly (string | Buffer | number)[]): Route {
  let route = routes.get(name);
  if (route === undefined) {
    const flags = commandFlags(name, args);
    const indexes = keyIndexes(name, ['k', 'v', 'x']);
    route = {
      fanOut: fanOutPolicy(name, args) !== undefined,
      maybeBlocking: flags.blocking,
      singleKey:
        !flags.movablekeys && indexes.length === 1 && keyIndexes(name, ['k']).length === 1 ? indexes[0]! : -1,
      readonly: flags.readonly,
    };
    routes.set(name, route);
  }
  return route;
}
row(
  'routing',
  'prototype: routeOf(name) descriptor + slotOfString (SET)',
  measure(N, () => {
    for (let i = 0; i < N; i++) {
      const args = setArgs[i & (K - 1)]!;
      const route = routeOf('SET', args);
      sink = route.singleKey >= 0 ? slotOfString(args[route.singleKey] as string) : commandSlot('SET', args);
      sink = route.readonly;
    }
  }),
);

row(
  'routing',
  'before issue 15: singleKeyCommand(name) + slotOfKey (SET), as routeSimple did',
  measure(N, () => {
    for (let i = 0; i < N; i++) {
      const args = setArgs[i & (K - 1)]!;
      const single = singleKeyCommand('SET');
      sink = single !== undefined ? slotOfKey(args[single.keyIndex]!) : commandSlot('SET', args);
      sink = single?.flags.readonly;
    }
  }),
);

row(
  'routing',
  'landed: planCommand (SET), a shared route value per slot, as ClusterConnection.dispatch does',
  measure(N, () => {
    for (let i = 0; i < N; i++) {
      const plan = planCommand('SET', setArgs[i & (K - 1)]!);
      sink = plan.kind === 'route' ? plan.slot : -1;
      sink = plan.kind === 'route' && plan.readonly;
    }
  }),
);

// Commands whose keys are not one fixed position: where they are comes from the command table's key specs (read per
// call for EVAL, XREAD, ZUNIONSTORE; a fixed range for MSET; the subcommand for OBJECT ENCODING).
const M = N / 10;
const tagged = keys.map((_, i) => `{t${i}}`);
const otherCommands: [string, (tag: string) => readonly (string | number)[]][] = [
  ['EVAL', (tag) => ['return 1', 1, `${tag}a`, 'x']],
  ['XREAD', (tag) => ['COUNT', 10, 'STREAMS', `${tag}a`, `${tag}b`, '0', '0']],
  ['ZUNIONSTORE', (tag) => [`${tag}d`, 2, `${tag}a`, `${tag}b`, 'WEIGHTS', 1, 2]],
  ['MSET', (tag) => [`${tag}a`, 'x', `${tag}b`, 'y']],
  ['OBJECT', (tag) => ['ENCODING', `${tag}a`]],
];
for (const [name, argsOf] of otherCommands) {
  const argsByKey = tagged.map(argsOf);
  row(
    'routing',
    `planCommand (${name}: keys found from its arguments)`,
    measure(M, () => {
      for (let i = 0; i < M; i++) {
        const plan = planCommand(name, argsByKey[i & (K - 1)]!);
        sink = plan.kind === 'route' ? plan.slot : -1;
      }
    }),
  );
}

// ---------------------------------------------------------------- encoder
row(
  'encoder',
  'encodeCommand SET key value',
  measure(N, () => {
    for (let i = 0; i < N; i++) sink = encodeCommand('SET', setArgs[i & (K - 1)]!);
  }),
);
row(
  'encoder',
  'encodeCommand GET key',
  measure(N, () => {
    for (let i = 0; i < N; i++) sink = encodeCommand('GET', getArgs[i & (K - 1)]!);
  }),
);
// Prototype: a cached `*<n>\r\n$<len>\r\n<NAME>\r\n` head per (name, arity), and the byte length of short strings
// counted in JavaScript (ASCII: one byte per char) instead of a native Buffer.byteLength call.
const heads = new Map<string, string[]>();
function head(name: string, count: number): string {
  let byArity = heads.get(name);
  if (byArity === undefined) {
    byArity = [];
    heads.set(name, byArity);
  }
  let text = byArity[count];
  if (text === undefined) {
    text = `*${count + 1}\r\n$${Buffer.byteLength(name)}\r\n${name}\r\n`;
    byArity[count] = text;
  }
  return text;
}
function byteLength(text: string): number {
  const length = text.length;
  if (length > 64) return Buffer.byteLength(text);
  for (let i = 0; i < length; i++) if (text.charCodeAt(i) >= 0x80) return Buffer.byteLength(text);
  return length;
}
function encodeFast(name: string, args: readonly string[]): string {
  let out = head(name, args.length);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    out += `$${byteLength(arg)}\r\n${arg}\r\n`;
  }
  return out;
}
function encodeHeadOnly(name: string, args: readonly string[]): string {
  let out = head(name, args.length);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  }
  return out;
}
if (encodeFast('SET', setArgs[7]!) !== encodeCommand('SET', setArgs[7]!)) {
  throw new Error('encodeFast differs');
}
if (encodeHeadOnly('SET', setArgs[7]!) !== encodeCommand('SET', setArgs[7]!)) {
  throw new Error('encodeHeadOnly differs');
}
row(
  'encoder',
  'prototype: cached head only, SET key value',
  measure(N, () => {
    for (let i = 0; i < N; i++) sink = encodeHeadOnly('SET', setArgs[i & (K - 1)]!);
  }),
);
row(
  'encoder',
  'prototype: cached head + JS byte length, SET key value',
  measure(N, () => {
    for (let i = 0; i < N; i++) sink = encodeFast('SET', setArgs[i & (K - 1)]!);
  }),
);
row(
  'encoder',
  'prototype: cached head + JS byte length, GET key',
  measure(N, () => {
    for (let i = 0; i < N; i++) sink = encodeFast('GET', getArgs[i & (K - 1)]!);
  }),
);

// ---------------------------------------------------------------- flush: what socket.write(string) does natively
const pieces: string[] = [];
for (let i = 0; i < 1000; i += 2) {
  pieces.push(encodeCommand('SET', setArgs[i]!) as string, encodeCommand('GET', getArgs[i]!) as string);
}
const joined = pieces.join('');
const FLUSHES = 2000;
row(
  'flush',
  `utf8 encode of one 1,000-command write (${joined.length} B), per command`,
  measure(FLUSHES * 1000, () => {
    for (let i = 0; i < FLUSHES; i++) sink = Buffer.from(joined, 'utf8');
  }),
);
row(
  'flush',
  'prototype: latin1 encode of the same write (ASCII-only payloads), per command',
  measure(FLUSHES * 1000, () => {
    for (let i = 0; i < FLUSHES; i++) sink = Buffer.from(joined, 'latin1');
  }),
);
row(
  'flush',
  'string concatenation of 1,000 payloads (text += payload), per command',
  measure(FLUSHES * 1000, () => {
    for (let i = 0; i < FLUSHES; i++) {
      let text = '';
      for (let k = 0; k < pieces.length; k++) text += pieces[k]!;
      sink = text;
      // flatten, as the native write does
      sink = text.charCodeAt(text.length - 1);
    }
  }),
);

row(
  'flush',
  "prototype: pieces.join('') (one flat string, no rope), per command",
  measure(FLUSHES * 1000, () => {
    for (let i = 0; i < FLUSHES; i++) {
      const text = pieces.join('');
      sink = text.charCodeAt(text.length - 1);
    }
  }),
);
const writeBuffer = Buffer.allocUnsafe(64 * 1024);
const latin1Write = (
  writeBuffer as unknown as { latin1Write(text: string, offset: number): number }
).latin1Write.bind(writeBuffer);
row(
  'flush',
  'prototype: each payload latin1-written into one reused Buffer, per command',
  measure(FLUSHES * 1000, () => {
    for (let i = 0; i < FLUSHES; i++) {
      let offset = 0;
      for (let k = 0; k < pieces.length; k++) offset += latin1Write(pieces[k]!, offset);
      sink = offset;
    }
  }),
);

// Prototype: encode straight into the connection's write Buffer (no payload string, no rope to flatten): short
// ASCII strings byte by byte in JavaScript, anything else through one native write.
function writeDecimal(buf: Buffer, offset: number, value: number): number {
  if (value < 10) {
    buf[offset] = 48 + value;
    return offset + 1;
  }
  const text = String(value);
  for (let i = 0; i < text.length; i++) buf[offset + i] = text.charCodeAt(i);
  return offset + text.length;
}
function writeBulk(buf: Buffer, offset: number, text: string): number {
  const length = text.length;
  let o = offset;
  if (length <= 64) {
    let ascii = true;
    for (let i = 0; i < length; i++) {
      if (text.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      buf[o++] = 36; // $
      o = writeDecimal(buf, o, length);
      buf[o++] = 13;
      buf[o++] = 10;
      for (let i = 0; i < length; i++) buf[o++] = text.charCodeAt(i);
      buf[o++] = 13;
      buf[o++] = 10;
      return o;
    }
  }
  const bytes = Buffer.byteLength(text);
  buf[o++] = 36;
  o = writeDecimal(buf, o, bytes);
  buf[o++] = 13;
  buf[o++] = 10;
  o += buf.write(text, o);
  buf[o++] = 13;
  buf[o++] = 10;
  return o;
}
function encodeInto(buf: Buffer, offset: number, name: string, args: readonly string[]): number {
  let o = offset;
  buf[o++] = 42; // *
  o = writeDecimal(buf, o, args.length + 1);
  buf[o++] = 13;
  buf[o++] = 10;
  o = writeBulk(buf, o, name);
  for (let i = 0; i < args.length; i++) o = writeBulk(buf, o, args[i]!);
  return o;
}
{
  const end = encodeInto(writeBuffer, 0, 'SET', setArgs[7]!);
  if (writeBuffer.toString('latin1', 0, end) !== encodeCommand('SET', setArgs[7]!)) {
    throw new Error('encodeInto differs');
  }
}
row(
  'flush',
  'now: encodeCommand + text += payload + utf8 write, per command (SET/GET mix)',
  measure(FLUSHES * 1000, () => {
    for (let i = 0; i < FLUSHES; i++) {
      let text = '';
      for (let k = 0; k < 1000; k += 2) {
        text += encodeCommand('SET', setArgs[k]!) as string;
        text += encodeCommand('GET', getArgs[k]!) as string;
      }
      sink = Buffer.from(text, 'utf8');
    }
  }),
);
row(
  'flush',
  'prototype: encodeInto(write Buffer) for the same 1,000 commands, per command',
  measure(FLUSHES * 1000, () => {
    for (let i = 0; i < FLUSHES; i++) {
      let offset = 0;
      for (let k = 0; k < 1000; k += 2) {
        offset = encodeInto(writeBuffer, offset, 'SET', setArgs[k]!);
        offset = encodeInto(writeBuffer, offset, 'GET', getArgs[k]!);
      }
      sink = writeBuffer.subarray(0, offset);
    }
  }),
);

// ---------------------------------------------------------------- decoder
function decoderRun(chunk: Buffer, replies: number): number {
  let seen = 0;
  const decoder = new RespDecoder({
    onReply: () => {
      seen++;
    },
    onPush: () => {},
  });
  const rounds = Math.ceil(N / replies);
  const ns = measure(rounds * replies, () => {
    for (let r = 0; r < rounds; r++) decoder.feed(chunk);
  });
  if (seen === 0) throw new Error('nothing decoded');
  return ns;
}
const mixed = Buffer.from(`+OK\r\n$16\r\n${VALUE}\r\n`.repeat(500), 'latin1');
row('decoder', 'feed: 1,000 replies per chunk, +OK / $16 alternating, per reply', decoderRun(mixed, 1000));
const bulk = Buffer.from(`$16\r\n${VALUE}\r\n`.repeat(1000), 'latin1');
row('decoder', 'feed: 1,000 $16 replies per chunk, per reply', decoderRun(bulk, 1000));
const sixteen = Buffer.from(`xx${VALUE}xx`, 'latin1');
row(
  'decoder',
  '16-byte text: buf.toString(utf8) (native, what values > 8 bytes take)',
  measure(N, () => {
    for (let i = 0; i < N; i++) sink = sixteen.toString('utf8', 2, 18);
  }),
);
row(
  'decoder',
  '16-byte text: (buf as any).utf8Slice (native, no argument checks)',
  measure(N, () => {
    const slice = (sixteen as unknown as { utf8Slice(s: number, e: number): string }).utf8Slice;
    for (let i = 0; i < N; i++) sink = slice.call(sixteen, 2, 18);
  }),
);
function asciiText(buf: Buffer, start: number, end: number): string | undefined {
  let bits = 0;
  for (let i = start; i < end; i++) bits |= buf[i]!;
  if (bits >= 0x80) return undefined;
  return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
}
row(
  'decoder',
  'prototype: 16-byte ASCII check + String.fromCharCode.apply',
  measure(N, () => {
    for (let i = 0; i < N; i++) sink = asciiText(sixteen, 2, 18);
  }),
);
const fromCharCode = String.fromCharCode;
function ascii16(buf: Buffer, s: number): string | undefined {
  const a = buf[s]!;
  const b = buf[s + 1]!;
  const c = buf[s + 2]!;
  const d = buf[s + 3]!;
  const e = buf[s + 4]!;
  const f = buf[s + 5]!;
  const g = buf[s + 6]!;
  const h = buf[s + 7]!;
  const i = buf[s + 8]!;
  const j = buf[s + 9]!;
  const k = buf[s + 10]!;
  const l = buf[s + 11]!;
  const m = buf[s + 12]!;
  const n = buf[s + 13]!;
  const o = buf[s + 14]!;
  const p = buf[s + 15]!;
  if ((a | b | c | d | e | f | g | h | i | j | k | l | m | n | o | p) >= 0x80) return undefined;
  return fromCharCode(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p);
}
if (ascii16(sixteen, 2) !== VALUE) throw new Error('ascii16 differs');
row(
  'decoder',
  'prototype: 16-byte ASCII, unrolled String.fromCharCode (SMALL_TEXT path widened)',
  measure(N, () => {
    for (let i = 0; i < N; i++) sink = ascii16(sixteen, 2);
  }),
);
const latin1Slice = (sixteen as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice;
row(
  'decoder',
  'prototype: 16-byte ASCII check + latin1Slice (native one-byte copy)',
  measure(N, () => {
    for (let i = 0; i < N; i++) {
      let bits = 0;
      for (let k = 2; k < 18; k++) bits |= sixteen[k]!;
      sink = bits < 0x80 ? latin1Slice.call(sixteen, 2, 18) : undefined;
    }
  }),
);

// ---------------------------------------------------------------- per-request bookkeeping
class Entry {
  deadlineAt = 0;
  deadlinePrev = null;
  deadlineNext = null;
  deadlineList = null;
  onDeadline(): void {}
}
const entries = Array.from({ length: 1000 }, () => new Entry());
row(
  'request',
  'deadlines.add + remove (one clock read per burst), 1,000 in flight',
  measure(N, () => {
    for (let r = 0; r < N / 1000; r++) {
      for (const entry of entries) deadlines.add(entry, 5000);
      for (const entry of entries) deadlines.remove(entry);
    }
  }),
);
row(
  'request',
  'Date.now() alone (deadlines.add used to read it per command)',
  measure(N, () => {
    for (let i = 0; i < N; i++) sink = Date.now();
  }),
);
row(
  'request',
  'new Promise with captured resolve/reject, then resolve',
  measure(N, () => {
    for (let i = 0; i < N; i++) {
      let resolve!: (value: unknown) => void;
      const promise = new Promise((r) => {
        resolve = r;
      });
      resolve(i);
      sink = promise;
    }
  }),
);

// ---------------------------------------------------------------- explicit batch bookkeeping (no I/O)
/** Best-of-rounds CPU ns per operation of an async `run` performing `ops` operations. */
async function measureAsync(ops: number, run: () => Promise<void>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.cpuUsage();
    await run();
    const used = process.cpuUsage(start);
    const ns = (used.user + used.system) * 1000;
    if (ns < best) best = ns;
  }
  return best / ops;
}
const BATCHES = 300;
// The target answers at once, as if every reply were already there: what is left is the batch's own bookkeeping.
const instant: BatchTarget = {
  dispatchTo<T>(_command: unknown, settler: { resolve(value: T): void }) {
    settler.resolve('OK' as T);
  },
};
row(
  'batch',
  'ClusterBatch: 1,000 typed calls + exec(), target resolving at once, per command',
  await measureAsync(BATCHES * 1000, async () => {
    for (let b = 0; b < BATCHES; b++) {
      const batch = new ClusterBatch(instant);
      for (let i = 0; i < 1000; i += 2) {
        batch.set(keys[i]!, VALUE);
        batch.get(keys[i]!);
      }
      sink = await batch.exec();
    }
  }),
);
// Prototype: commands queued as plain records; each reply lands in its slot of one results array through a
// callback, and one promise settles the whole batch (typed per-command promises only when asked for).
class LeanBatch {
  private readonly names: string[] = [];
  private readonly args: (readonly string[])[] = [];
  add(name: string, args: readonly string[]): this {
    this.names.push(name);
    this.args.push(args);
    return this;
  }
  exec(send: (name: string, args: readonly string[], done: (value: unknown) => void) => void) {
    const count = this.names.length;
    const results = new Array<PromiseSettledResult<unknown>>(count);
    return new Promise<PromiseSettledResult<unknown>[]>((resolve) => {
      let left = count;
      for (let i = 0; i < count; i++) {
        send(this.names[i]!, this.args[i]!, (value) => {
          results[i] = { status: 'fulfilled', value };
          if (--left === 0) resolve(results);
        });
      }
    });
  }
}
row(
  'batch',
  'prototype: lean batch (records + one promise), same work, per command',
  await measureAsync(BATCHES * 1000, async () => {
    for (let b = 0; b < BATCHES; b++) {
      const batch = new LeanBatch();
      for (let i = 0; i < 1000; i += 2) {
        batch.add('SET', [keys[i]!, VALUE]);
        batch.add('GET', [keys[i]!]);
      }
      sink = await batch.exec((_name, _args, done) => done('OK'));
    }
  }),
);

if (sink === Symbol.for('never')) console.log(sink);
console.log(
  `\nnode ${process.version}; ${N.toLocaleString('en-US')} operations per round, best of ${ROUNDS}`,
);
